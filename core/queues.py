"""Queue names, in one place (settings route to them, compose runs a worker each)."""

DEFAULT = "default"  # web-side work: embeddings, digests, sweeps
GPU = "gpu"  # the model: shoppers' answers before batch drafting
WEBHOOKS = "webhooks"  # deliveries to brands' receivers, slow ones included

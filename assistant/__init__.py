"""The shopper assistant: conversations with a brand's shoppers, answered from
the brand's approved sources only, handed over to the brand's staff by rules."""

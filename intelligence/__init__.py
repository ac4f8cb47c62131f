"""Community intelligence: semantic duplicate warnings, merge and unmerge,
themes, comment sentiment, recommendations, follows and digests.

Modules, by what they do:
  minilm_numpy, minilm_torch, embeddings   the sentence encoder (web: numpy; workers: torch)
  index                                    per-process similarity index of idea vectors
  duplicates                               similar ideas for a typed title (vector, keyword fallback)
  merging                                  idea_merge / idea_unmerge
  sentiment                                comment sentiment (VADER, Chinese lexicon, hybrid classifier)
  indexing, themes                         what workers compute and store
  recommendations                          ideas and campaigns you may like
  notifications, hooks                     follows, e-mail preferences, digests, personal messages
  tasks, views, urls, api, admin, admin_actions   the interfaces

The web process never imports torch, transformers or scikit-learn from here:
those load inside worker tasks only.
"""

"""Free-text understanding: a person's own words in, knowledge-base evidence out (offline).

``parse_text(text, kb)`` reads a description with the phrase lexicon (``kb/data/lexicon.yaml``) and
medspacy's ConText (negation, fear, family history, hypotheticals). Importing this package is cheap;
spaCy and medspacy load on the first call.
"""

from twitchcheck.nlp.lexicon import lexicon_faults
from twitchcheck.nlp.parse import parse_text
from twitchcheck.nlp.text import MAX_CHARS, NO_SYMPTOMS, TextError

__all__ = ["MAX_CHARS", "NO_SYMPTOMS", "TextError", "lexicon_faults", "parse_text"]

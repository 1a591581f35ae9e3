# -*- coding: latin-1 -*-
# Reproduces: a PEP 263 coding declaration (latin-1) with latin-1 bytes in a
# string literal and a comment. Historically the file was read as UTF-8 and the
# analyzer crashed with UnicodeDecodeError instead of honouring the declaration.
# Expected: exit 0 or 1 (parsed with its declared encoding), no internal error.
import flopscope.numpy as fnp

name = "café naïve déjà"
# comment with bytes: äöü ß £
n = len(name)
v = fnp.ones(n)
total = fnp.sum(fnp.exp(v))

"""A small estimator whose prediction is analyzed on its own with --entry.

    flopscope analyze examples/estimator.py --entry Ridge.predict \
        --shapes n=512,d=64 --arg 'X=array(n, d)'
"""

import flopscope.numpy as fnp


class Ridge:
    def __init__(self, d, alpha=1.0):
        self.w = fnp.ones((d,)) / d
        self.alpha = alpha

    def predict(self, X):
        scores = X @ self.w
        return fnp.tanh(scores) * self.alpha

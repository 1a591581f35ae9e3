"""Dataclass fields with defaults and default_factory, and a NamedTuple, feeding metered work."""
from dataclasses import dataclass, field
from typing import NamedTuple

import flopscope.numpy as fnp


@dataclass
class Config:
    width: int
    reps: int = 3
    scale: float = 0.5
    history: list = field(default_factory=list)

    def run(self):
        x = fnp.ones((self.width, self.width))
        for _ in range(self.reps):
            x = fnp.tanh(x @ x) * self.scale
            self.history.append(x)
        return fnp.sum(x)


class Shape(NamedTuple):
    rows: int
    cols: int = 4

    def area_sum(self):
        return fnp.exp(fnp.ones((self.rows, self.cols))).sum()


cfg = Config(n)
total = cfg.run()
again = Config(n // 2, reps=1).run()
s = Shape(n)
t = s.area_sum() + Shape(2, cols=n).area_sum()
u = fnp.exp(fnp.ones(len(cfg.history) + 10 * len(Config(1).history)))

"""A method of a value the analyzer cannot know (an object from another module) is
given a metered array: what it does with it is unknown, never 0."""
import flopscope.numpy as fnp
from solver_helpers import make_smoother

smoother = make_smoother()
x = fnp.ones((n, n))
y = fnp.exp(x)
z = smoother.apply(y)

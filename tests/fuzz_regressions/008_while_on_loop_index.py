# shapes: n=4,m=8,k=3
# A while loop whose condition depends on an enclosing for loop's index was unknown
# (FS104). Now the enclosing loop is followed iteration by iteration at the given
# sizes, where the while loop is followed too.
import flopscope.numpy as fnp

A8 = fnp.ones((2,))
for i in range(m):
    w = i + 1
    while w > 1:
        w = w // 2
        fnp.exp(A8)
for i in range(3):
    w4 = i + 1
    while w4 > 1:
        w4 = w4 // 2
        A5 = fnp.expand_dims(A8, 1)

# Reproduces: deeply nested blocks: 31 levels of ifs and fors inside a function
# (40 lines cap the depth; the walk is the same at 60). Historically overflowed the
# stack in the analyzer's recursive walk of blocks (scopes, nested loop fixpoints).
# Expected: exit 0 or 1, no internal error, finishes quickly.
import flopscope.numpy as fnp
def deep(n, v):
 if n > 0:
  for i1 in range(1):
   if n != 102:
    if n > 3:
     for i4 in range(1):
      if n != 105:
       if n > 6:
        for i7 in range(1):
         if n != 108:
          if n > 9:
           for i10 in range(1):
            if n != 111:
             if n > 12:
              for i13 in range(1):
               if n != 114:
                if n > 15:
                 for i16 in range(1):
                  if n != 117:
                   if n > 18:
                    for i19 in range(1):
                     if n != 120:
                      if n > 21:
                       for i22 in range(1):
                        if n != 123:
                         if n > 24:
                          for i25 in range(1):
                           if n != 126:
                            if n > 27:
                             for i28 in range(1):
                              if n != 129:
                               if n > 30:
                                v = fnp.exp(v)
 return fnp.sum(v)
total = deep(40, fnp.ones(16))

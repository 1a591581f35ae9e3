# Reproduces: a cyclic object graph with a metered array inside it: an object
# whose attribute refers back to itself, a list that contains itself, parent/child
# links between nodes. Historically hung or hit RecursionError when the analyzer
# walked, copied, compared or printed such values.
# Expected: exit 0 or 1, no internal error, finishes quickly.
import flopscope.numpy as fnp


class Node:
    def __init__(self, name, parent=None):
        self.name = name
        self.parent = parent
        self.children = []
        self.me = self
        self.data = fnp.ones(8)
        if parent is not None:
            parent.children.append(self)


root = Node("root")
kids = [Node(f"k{i}", root) for i in range(3)]
for kid in kids:
    Node("g", kid)
loop = [root, fnp.ones(4)]
loop.append(loop)
box = {"self": None, "arr": fnp.zeros(4)}
box["self"] = box
root.extra = loop
kids[0].sibling = kids[1]
kids[1].sibling = kids[0]

total = fnp.sum(root.me.me.data) + fnp.sum(loop[2][2][1]) + fnp.sum(box["self"]["arr"])
for kid in root.children:
    total = total + fnp.sum(kid.parent.data * kid.data)
same = root.me is root and loop[2] is loop

//! Dependency cycles among resources, data sources, locals and modules.

use std::collections::BTreeMap;

use super::checker::{Checker, Known};
use crate::tf::problem::problem;

/// The dependency graph over known nodes, each node's successors in one
/// shared vector (one allocation, not one per node).
pub(super) struct Graph {
    /// Where each node's successors start in `targets`; one more entry
    /// than nodes.
    starts: Vec<usize>,
    targets: Vec<usize>,
}

impl Graph {
    /// The graph of `n` nodes with `edges` (repeats allowed).
    fn new(n: usize, mut edges: Vec<(usize, usize)>) -> Graph {
        edges.sort_unstable();
        edges.dedup();
        let mut starts = Vec::with_capacity(n + 1);
        let mut at = 0;
        for v in 0..n {
            starts.push(at);
            while at < edges.len() && edges[at].0 == v {
                at += 1;
            }
        }
        starts.push(at);
        Graph {
            starts,
            targets: edges.into_iter().map(|(_, to)| to).collect(),
        }
    }

    /// The nodes `v` refers to, in order.
    fn next(&self, v: usize) -> &[usize] {
        &self.targets[self.starts[v]..self.starts[v + 1]]
    }
}

/// The shortest path from `start` back to itself inside `group`, as the
/// list of nodes visited (starting with `start`).
pub(super) fn shortest_cycle(graph: &Graph, start: usize, group: &[usize]) -> Vec<usize> {
    let mut previous: BTreeMap<usize, usize> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &next in graph.next(node) {
            if next == start {
                let mut path = vec![node];
                let mut at = node;
                while at != start {
                    at = previous[&at];
                    path.push(at);
                }
                path.reverse();
                return path;
            }
            if group.binary_search(&next).is_ok() && !previous.contains_key(&next) {
                previous.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    group.to_vec()
}

/// Reports every dependency cycle among resources, data sources, locals
/// and modules (Tarjan's strongly connected components, over node indexes:
/// known addresses are sorted, so index order is address order).
pub(super) fn find_cycles(c: &mut Checker, known: &Known) {
    const UNSEEN: usize = usize::MAX;
    struct Tarjan<'a> {
        graph: &'a Graph,
        index: Vec<usize>,
        low: Vec<usize>,
        stack: Vec<usize>,
        on_stack: Vec<bool>,
        next: usize,
        cycles: Vec<Vec<usize>>,
    }
    impl Tarjan<'_> {
        fn visit(&mut self, v: usize) {
            self.index[v] = self.next;
            self.low[v] = self.next;
            self.next += 1;
            self.stack.push(v);
            self.on_stack[v] = true;
            for &w in self.graph.next(v) {
                if self.index[w] == UNSEEN {
                    self.visit(w);
                    self.low[v] = self.low[v].min(self.low[w]);
                } else if self.on_stack[w] {
                    self.low[v] = self.low[v].min(self.index[w]);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                let self_loop = self.graph.next(v).contains(&v);
                if component.len() > 1 || self_loop {
                    component.sort_unstable();
                    self.cycles.push(component);
                }
            }
        }
    }
    let n = known.0.len();
    let graph = Graph::new(n, std::mem::take(&mut c.edges));
    let mut t = Tarjan {
        graph: &graph,
        index: vec![UNSEEN; n],
        low: vec![0; n],
        stack: Vec::new(),
        on_stack: vec![false; n],
        next: 0,
        cycles: Vec::new(),
    };
    for v in 0..n {
        if t.index[v] == UNSEEN && !graph.next(v).is_empty() {
            t.visit(v);
        }
    }
    for group in t.cycles {
        let start = group[0];
        let path = shortest_cycle(&graph, start, &group);
        let name = |i: &usize| known.0[*i].to_string();
        let mut names: Vec<String> = path.iter().map(name).collect();
        names.push(name(&start));
        let mut message = format!("dependency cycle: {}", names.join(" -> "));
        if group.len() > path.len() {
            let all: Vec<String> = group.iter().map(name).collect();
            message.push_str(&format!(" (one of several among {})", all.join(", ")));
        }
        c.problems.push(problem(known.0[start], message));
    }
}

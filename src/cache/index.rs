//! The in-memory index of the result cache: each entry's size on disk and last use, and the
//! least-recently-used order for eviction.

use std::collections::{BTreeMap, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

/// The current time in nanoseconds since the Unix epoch: the "last use" of an entry.
pub fn now() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

/// Entry name → (size, last use), and (last use, name) in order.
#[derive(Default)]
pub struct Index {
    entries: HashMap<u128, (u64, u128)>,
    /// Ordered by last use; the name breaks ties between equal times.
    order: BTreeMap<(u128, u128), ()>,
    bytes: u64,
}

impl Index {
    /// Adds or replaces an entry.
    pub fn insert(&mut self, name: u128, size: u64, used: u128) {
        self.remove(name);
        self.entries.insert(name, (size, used));
        self.order.insert((used, name), ());
        self.bytes += size;
    }

    /// Drops an entry (no-op when absent).
    pub fn remove(&mut self, name: u128) {
        if let Some((size, used)) = self.entries.remove(&name) {
            self.order.remove(&(used, name));
            self.bytes -= size;
        }
    }

    /// True when `name` is indexed.
    pub fn contains(&self, name: u128) -> bool {
        self.entries.contains_key(&name)
    }

    /// Marks `name` as used now. A use never moves backwards, so a clock step back cannot make a
    /// fresh hit look old.
    pub fn touch(&mut self, name: u128) {
        if let Some(&(size, used)) = self.entries.get(&name) {
            let newest = self.order.keys().next_back().map_or(0, |(t, _)| *t);
            self.insert(name, size, now().max(used).max(newest));
        }
    }

    /// Removes least recently used entries until at most `budget` bytes remain; returns them
    /// with their sizes.
    pub fn evict_to(&mut self, budget: u64) -> Vec<(u128, u64)> {
        let mut out = Vec::new();
        while self.bytes > budget {
            let Some((&(_, name), _)) = self.order.iter().next() else { break };
            let size = self.entries.get(&name).map_or(0, |e| e.0);
            self.remove(name);
            out.push((name, size));
        }
        out
    }

    /// Bytes of all entries.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_least_recently_used_first() {
        let mut i = Index::default();
        i.insert(1, 10, 100);
        i.insert(2, 10, 200);
        i.insert(3, 10, 300);
        i.touch(1);
        assert_eq!(i.evict_to(15), vec![(2, 10), (3, 10)]);
        assert_eq!((i.bytes(), i.len()), (10, 1));
        assert!(i.contains(1));
        i.insert(1, 4, 5);
        assert_eq!(i.bytes(), 4);
    }
}

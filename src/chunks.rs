//! Work shared out between threads a chunk at a time: each thread takes
//! the next chunk nobody has taken until none is left, so a thread that
//! starts late, or gets slow items, still finishes close to the others.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The next chunk of at most `size` items of `items` that no thread has
/// taken, counting with `next` (shared by every thread, starting at 0).
pub(crate) fn next_chunk<'a, T>(
    items: &'a [T],
    next: &AtomicUsize,
    size: usize,
) -> Option<&'a [T]> {
    let start = next.fetch_add(size, Ordering::Relaxed);
    let rest = items.get(start..).filter(|rest| !rest.is_empty())?;
    Some(&rest[..rest.len().min(size)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_every_item_once_then_run_out() {
        let items: Vec<u32> = (0..10).collect();
        let next = AtomicUsize::new(0);
        let mut seen = Vec::new();
        while let Some(chunk) = next_chunk(&items, &next, 4) {
            assert!(chunk.len() <= 4);
            seen.extend_from_slice(chunk);
        }
        assert_eq!(seen, items);
        assert_eq!(next_chunk(&items, &next, 4), None);
        assert_eq!(next_chunk::<u32>(&[], &AtomicUsize::new(0), 4), None);
    }
}

//! Offset paging for the List and Describe operations: one page of an already
//! ordered listing and the offset where the next page starts. Each service
//! keeps its own token format and error for a bad token (they differ on AWS),
//! so only the offset arithmetic lives here.

/// Items `from..from + limit` of `items`, and the offset of the rest when any
/// remain. `None` when `from` is past the end: no listing of these items gave
/// that token.
pub fn offset_page<T>(items: Vec<T>, from: usize, limit: usize) -> Option<(Vec<T>, Option<usize>)> {
    let total = items.len();
    if from > total {
        return None;
    }
    // Saturating: a token is client input, so `from + limit` must not overflow.
    let to = from.saturating_add(limit).min(total);
    let page = items.into_iter().skip(from).take(to - from).collect();
    Some((page, (to < total).then_some(to)))
}

#[cfg(test)]
mod tests {
    use super::offset_page;

    #[test]
    fn pages_walk_the_listing_once_and_the_last_has_no_next() {
        let items: Vec<u32> = (0..5).collect();
        assert_eq!(offset_page(items.clone(), 0, 2), Some((vec![0, 1], Some(2))));
        assert_eq!(offset_page(items.clone(), 2, 2), Some((vec![2, 3], Some(4))));
        assert_eq!(offset_page(items.clone(), 4, 2), Some((vec![4], None)));
        assert_eq!(offset_page(items.clone(), 0, 5), Some(((0..5).collect(), None)), "an exact fit has no next");
    }

    #[test]
    fn the_end_is_an_empty_page_and_past_it_is_no_page() {
        let items: Vec<u32> = (0..3).collect();
        assert_eq!(offset_page(items.clone(), 3, 10), Some((vec![], None)));
        assert_eq!(offset_page(items.clone(), 4, 10), None);
        assert_eq!(offset_page(items, 1, usize::MAX), Some((vec![1, 2], None)), "a huge limit does not overflow");
    }
}

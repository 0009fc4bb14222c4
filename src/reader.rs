//! Reads an input in fixed-size chunks and hands out whole lines, so memory stays bounded whatever the input.
//!
//! The buffer never grows past its capacity. When a single line is longer than
//! the buffer, the reader hands it out in pieces ([`Region::Partial`]); the
//! next piece starts with the last [`OVERLAP`] bytes of the previous one, so a
//! match that straddles a cut is still seen.

use std::io::{self, Read};

/// Default buffer size. Large enough that read(2) and the prefilter's start-up
/// cost are amortised; small enough to stay in L2 cache.
pub const DEFAULT_CAPACITY: usize = 256 * 1024;

/// Bytes repeated at the start of the next piece of an over-long line. Longer
/// than any literal and any realistic evidence line.
pub const OVERLAP: usize = 4096;

/// A slice of the input handed to the scanner.
#[derive(Debug, PartialEq, Eq)]
pub enum Region<'a> {
    /// Whole lines; every line ends with `\n` except possibly the input's last.
    Lines(&'a [u8]),
    /// A piece of one line longer than the buffer; more of the same line follows.
    Partial(&'a [u8]),
}

/// The chunked reader.
pub struct ChunkReader<R> {
    rdr: R,
    buf: Vec<u8>,
    /// Valid data is `buf[..end]`; `buf[..consumed]` was handed out already.
    end: usize,
    consumed: usize,
    eof: bool,
    /// The previous region was `Partial`: `buf[..keep]` is overlap to re-show.
    in_long_line: bool,
    bytes_read: u64,
    /// The buffer grows up to this; only a line longer than it is cut.
    capacity: usize,
    /// The last read filled the buffer: the input is large, give it room.
    grow: bool,
}

/// The buffer a reader starts with. Most job logs are a few hundred KiB or
/// less, and zeroing a full 256 KiB buffer per file was 3% of scanning a
/// tree of 50 KB logs; the buffer doubles while reads keep filling it.
const INITIAL: usize = 64 * 1024;

impl<R: Read> ChunkReader<R> {
    /// A reader with a buffer of `capacity` bytes (at least `2 * OVERLAP`, so
    /// a long line always makes progress).
    pub fn new(rdr: R, capacity: usize) -> Self {
        Self::with_buffer(rdr, capacity, Vec::new())
    }

    /// [`ChunkReader::new`] reusing the buffer of an earlier reader (see
    /// [`ChunkReader::into_buffer`]): a scan of many small files then zeroes
    /// no memory and takes no page faults per file.
    pub fn with_buffer(rdr: R, capacity: usize, mut buf: Vec<u8>) -> Self {
        let capacity = capacity.max(2 * OVERLAP);
        buf.truncate(capacity);
        if buf.len() < capacity.min(INITIAL) {
            buf.resize(capacity.min(INITIAL), 0);
        }
        ChunkReader {
            rdr,
            buf,
            end: 0,
            consumed: 0,
            eof: false,
            in_long_line: false,
            bytes_read: 0,
            capacity,
            grow: false,
        }
    }

    /// Doubles the buffer, up to the capacity. Returns whether it grew.
    fn enlarge(&mut self) -> bool {
        if self.buf.len() >= self.capacity {
            return false;
        }
        self.buf.resize((self.buf.len() * 2).min(self.capacity), 0);
        true
    }

    /// The buffer, for a later reader.
    pub fn into_buffer(self) -> Vec<u8> {
        self.buf
    }

    /// Total bytes read from the input so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// The first bytes of the input, read without consuming them (for sniffing
    /// the format). Reads until `n` bytes or end of input.
    pub fn peek(&mut self, n: usize) -> io::Result<&[u8]> {
        while self.buf.len() < n && self.enlarge() {}
        let n = n.min(self.buf.len());
        while self.end < n && !self.eof {
            self.fill_once()?;
        }
        Ok(&self.buf[..self.end.min(n)])
    }

    fn fill_once(&mut self) -> io::Result<()> {
        loop {
            match self.rdr.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    self.bytes_read += n as u64;
                    self.grow = self.end == self.buf.len();
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// The next region, or `None` at end of input.
    pub fn next_region(&mut self) -> io::Result<Option<Region<'_>>> {
        // Roll the unconsumed tail to the front.
        if self.consumed > 0 {
            self.buf.copy_within(self.consumed..self.end, 0);
            self.end -= self.consumed;
            self.consumed = 0;
        }
        if self.grow {
            self.grow = false;
            self.enlarge();
        }
        loop {
            let search_from = if self.in_long_line { OVERLAP.min(self.end) } else { 0 };
            if let Some(nl) = memchr::memrchr(b'\n', &self.buf[search_from..self.end]) {
                let cut = search_from + nl + 1;
                self.consumed = cut;
                self.in_long_line = false;
                return Ok(Some(Region::Lines(&self.buf[..cut])));
            }
            if self.eof {
                if self.end == 0 || (self.in_long_line && self.end <= OVERLAP) {
                    return Ok(None);
                }
                self.consumed = self.end;
                self.in_long_line = false;
                return Ok(Some(Region::Lines(&self.buf[..self.end])));
            }
            if self.end == self.buf.len() && self.enlarge() {
                continue;
            }
            if self.end == self.buf.len() {
                // A line longer than the buffer: hand out what we have and keep
                // the tail so a match across the cut is not lost.
                self.consumed = self.end - OVERLAP;
                self.in_long_line = true;
                return Ok(Some(Region::Partial(&self.buf[..self.end])));
            }
            self.fill_once()?;
        }
    }
}

/// A reader over bytes in memory that hands out at most `step` bytes per
/// call, so buffer refills land everywhere: inside escape sequences,
/// timestamp headers and literals. For tests of anything built on `Read`.
#[derive(Debug)]
pub struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl<'a> Trickle<'a> {
    /// Reads `data`, `step` bytes at a time (at least one).
    pub fn new(data: &'a [u8], step: usize) -> Self {
        Trickle { data, step: step.max(1) }
    }
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions(data: &[u8], cap: usize, step: usize) -> Vec<(bool, Vec<u8>)> {
        let mut r = ChunkReader::new(Trickle::new(data, step), cap);
        let mut out = Vec::new();
        while let Some(region) = r.next_region().unwrap() {
            out.push(match region {
                Region::Lines(b) => (true, b.to_vec()),
                Region::Partial(b) => (false, b.to_vec()),
            });
        }
        out
    }

    #[test]
    fn lines_come_whole_whatever_the_read_size() {
        let data = b"one\ntwo\nthree without newline";
        for step in [1, 2, 3, 7, 100] {
            let got = regions(data, 0, step);
            let joined: Vec<u8> = got.iter().flat_map(|(_, b)| b.clone()).collect();
            assert_eq!(joined, data, "step {step}");
            for (whole, b) in &got {
                assert!(*whole);
                assert!(b.ends_with(b"\n") || b.ends_with(b"newline"));
            }
        }
    }

    #[test]
    fn empty_input_has_no_region() {
        assert!(regions(b"", 0, 10).is_empty());
    }

    #[test]
    fn long_line_is_cut_with_overlap_and_bounded() {
        let cap = 2 * OVERLAP;
        let mut data = vec![b'x'; 5 * cap];
        let needle = b"NEEDLE";
        // Put the needle across the first cut.
        let at = cap - 3;
        data[at..at + needle.len()].copy_from_slice(needle);
        data.extend_from_slice(b"\nafter\n");
        let got = regions(&data, cap, 1000);
        assert!(got.iter().all(|(_, b)| b.len() <= cap));
        assert!(got.iter().any(|(_, b)| memchr::memmem::find(b, needle).is_some()));
        assert!(!got[0].0, "first piece is partial");
        let last = &got.last().unwrap().1;
        assert!(last.ends_with(b"\nafter\n"));
        // Each piece after a partial one starts with the overlap.
        assert_eq!(got[1].1[..OVERLAP], got[0].1[cap - OVERLAP..]);
    }

    /// The buffer starts small and grows: a line longer than the start but
    /// within the capacity still comes whole, and a large input soon gets
    /// regions of the full capacity.
    #[test]
    fn buffer_grows_to_the_capacity_before_cutting_a_line() {
        let cap = 4 * INITIAL;
        let mut data = vec![b'x'; 3 * INITIAL];
        data.push(b'\n');
        let got = regions(&data, cap, usize::MAX);
        assert_eq!(got, vec![(true, data.clone())]);
        let lines: Vec<u8> = b"a line of text\n".repeat(cap);
        let mut r = ChunkReader::new(&lines[..], cap);
        let mut largest = 0;
        while let Some(region) = r.next_region().unwrap() {
            let Region::Lines(b) = region else { panic!("short lines are never cut") };
            largest = largest.max(b.len());
        }
        assert!(largest > cap - 16, "largest region {largest} of {cap}");
        assert_eq!(r.bytes_read(), lines.len() as u64);
    }

    /// A reused buffer keeps its memory but never its old size past the new
    /// capacity, and old bytes in it never show.
    #[test]
    fn reused_buffer_obeys_the_new_capacity() {
        let big = vec![b'z'; 4 * INITIAL];
        let cap = 2 * OVERLAP;
        let mut data = vec![b'x'; 3 * cap];
        data.extend_from_slice(b"\nend\n");
        let mut r = ChunkReader::with_buffer(&data[..], cap, big);
        let mut seen = Vec::new();
        while let Some(region) = r.next_region().unwrap() {
            let b = match region {
                Region::Lines(b) | Region::Partial(b) => b,
            };
            assert!(b.len() <= cap);
            assert!(!b.contains(&b'z'));
            seen.push(b.len());
        }
        assert!(seen.len() > 3, "{seen:?}");
        assert_eq!(r.into_buffer().len(), cap);
    }

    #[test]
    fn peek_does_not_consume() {
        let mut r = ChunkReader::new(Trickle::new(b"abc\ndef\n", 1), 0);
        assert_eq!(r.peek(5).unwrap(), b"abc\nd");
        let Some(Region::Lines(first)) = r.next_region().unwrap() else { panic!("no lines") };
        assert!(first.starts_with(b"abc\n"), "{first:?}");
    }
}

//! Cut points and piece sizes derived from the input itself, so that a crash reproduces from its file alone.

/// Where to cut `data` to check that a prefix never contradicts the whole: every position of a short input;
/// for a longer one, evenly spaced positions plus each side of the first line ends (where verdicts change).
pub fn cut_points(data: &[u8]) -> Vec<usize> {
    if data.len() <= 96 {
        return (0..data.len()).collect();
    }
    let mut cuts: Vec<usize> = (0..48).map(|i| i * data.len() / 48).collect();
    for (i, _) in data
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .take(64)
    {
        cuts.extend([i, i + 1, i + 2]);
    }
    cuts.retain(|&k| k < data.len());
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

/// A deterministic stream of piece sizes (1 to 17 bytes, often 1) seeded from the input's bytes.
#[derive(Debug, Clone)]
pub struct Pieces {
    /// xorshift64 state; never zero.
    state: u64,
}

impl Pieces {
    pub fn for_input(data: &[u8]) -> Pieces {
        // FNV-1a, then forced non-zero for xorshift.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for &b in data {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        Pieces { state: hash | 1 }
    }

    /// The size of the next piece to hand over.
    pub fn next_len(&mut self) -> usize {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        match self.state % 4 {
            0 => 1,
            _ => 1 + (self.state >> 8) as usize % 17,
        }
    }
}

/// How a body decoder is given its input.
#[derive(Debug, Clone)]
pub enum Feed {
    /// Everything at once, as after one large read.
    Whole,
    /// One byte per read, the slowest client.
    ByteByByte,
    /// Pieces of varying sizes.
    Pieces(Pieces),
}

impl Feed {
    pub fn next_len(&mut self, left: usize) -> usize {
        match self {
            Feed::Whole => left,
            Feed::ByteByByte => 1,
            Feed::Pieces(pieces) => pieces.next_len(),
        }
        .min(left)
    }
}

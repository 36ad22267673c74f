/**
 * Long messages built from fragments each pattern of the ticket reader starts on, so that
 * a pattern that backtracks would take time in proportion to a power of their length.
 * The tests read them for correctness; the bench times the reading.
 */
const PIECES = ['a.b', 'ticket      ', 'x.com/', '(b.com', 'user id ', '@a', '"twitter_handle": '];
export const HOSTILE_TEXT_LENGTH = 40_000;

export const LONG_HOSTILE_TEXTS: readonly string[] = PIECES.map((piece) =>
  piece.repeat(Math.ceil(HOSTILE_TEXT_LENGTH / piece.length)),
);

/** The workspace pattern read beside them. */
export const HOSTILE_TICKET_PATTERN = 'INC(\\d+)';

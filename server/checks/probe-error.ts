// Why a probe request produced no HTTP answer at all. A check that gets one cannot judge the app's
// behaviour, so the runner reports it as an error (and tells "not running" apart from the rest).
export type ProbeErrorKind =
  /** No connection: nothing listens on the port, or the relay refused it. */
  | 'unreachable'
  /** Connected, but the connection ended before a complete answer. */
  | 'closed'
  /** Bytes came back that are not a valid HTTP answer. */
  | 'bad-response'
  /** The answer grew past the probe's size cap. */
  | 'too-large';

export class ProbeError extends Error {
  readonly kind: ProbeErrorKind;

  constructor(kind: ProbeErrorKind, message: string) {
    super(message);
    this.name = 'ProbeError';
    this.kind = kind;
  }
}

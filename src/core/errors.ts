/**
 * One base error with a stable `code`; every error the unit raises on purpose is a subclass.
 * HTTP and CLI map codes to status / exit code in one place (src/http/error-map.ts, src/cli/exit-codes.ts).
 */
export class DeskphoneError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Config file missing, unreadable, or failing the schema. `issues` lists every problem, field by field. */
export class ConfigError extends DeskphoneError {
  readonly issues: string[];
  constructor(issues: string[]) {
    super('E_CONFIG', `invalid config:\n  - ${issues.join('\n  - ')}`);
    this.issues = issues;
  }
}

/** An error about one named input field; the message starts with the field (`body.to: is required`). */
export class FieldError extends DeskphoneError {
  readonly field: string;
  constructor(code: string, field: string, message: string) {
    super(code, `${field}: ${message}`);
    this.field = field;
  }
}

/** A request or input that names a field with a bad value. */
export class BadInputError extends FieldError {
  constructor(field: string, message: string) {
    super('E_BAD_INPUT', field, message);
  }
}

/** An action that needs the simulated panel while a real board is in use (or the reverse). */
export class PanelKindError extends DeskphoneError {
  constructor(message: string) {
    super('E_PANEL_KIND', message);
  }
}

/** The SIP stack did not answer, refused a command, or is not running. */
export class SipError extends DeskphoneError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_SIP', message, options);
  }
}

/** A command to the SIP stack got no reply in time. */
export class SipTimeoutError extends DeskphoneError {
  constructor(message: string) {
    super('E_SIP_TIMEOUT', message);
  }
}

/** The call journal cannot be written or read; `path` names the file. */
export class JournalError extends DeskphoneError {
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super('E_JOURNAL', `${path}: ${message}`, options);
    this.path = path;
  }
}

/** An audio file refused as a greeting or announcement; `file` names it, `reason` says why (missing, silent…). */
export class GreetingFileError extends DeskphoneError {
  readonly file: string;
  readonly reason: string;
  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super('E_GREETING_FILE', `${file}: ${reason}`, options);
    this.file = file;
    this.reason = reason;
  }
}

/** An audio program (sox, espeak-ng) is missing or failed; `program` names it. */
export class AudioToolError extends DeskphoneError {
  readonly program: string;
  constructor(program: string, message: string, options?: { cause?: unknown }) {
    super('E_AUDIO_TOOL', `${program}: ${message}`, options);
    this.program = program;
  }
}

/** The panel board is unreachable or misbehaving. */
export class PanelError extends DeskphoneError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_PANEL', message, options);
  }
}

/**
 * An upstream sink refused or failed a batch; `sink` names it. `retryAfterMs`: the far end asked to wait
 * (HTTP Retry-After).
 */
export class UpstreamError extends DeskphoneError {
  readonly sink: string;
  readonly retryAfterMs: number | null;
  constructor(sink: string, message: string, options?: { cause?: unknown; retryAfterMs?: number | null }) {
    super('E_UPSTREAM', `${sink}: ${message}`, options);
    this.sink = sink;
    this.retryAfterMs = options?.retryAfterMs ?? null;
  }
}

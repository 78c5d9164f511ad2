/**
 * The codes the LAN API and the records use cases add (issue 8), on the one error model of ./errors.ts
 * (DeskphoneError with a code; FieldError when a field is named); HTTP statuses come from src/http/error-map.ts.
 */
import { DeskphoneError, FieldError } from './errors.ts';

/** No valid bearer token (LAN listener). */
export class UnauthorizedError extends DeskphoneError {
  constructor(message = 'a valid bearer token is required (Authorization: Bearer <token>)') {
    super('E_UNAUTHORIZED', message);
  }
}

/** The token's role lacks the right for this request. */
export class ForbiddenError extends DeskphoneError {
  constructor(message: string) {
    super('E_FORBIDDEN', message);
  }
}

/** A call, message or call-back id that does not exist; `field` names the parameter. */
export class NotFoundError extends FieldError {
  constructor(field: string, message: string) {
    super('E_NOT_FOUND', field, message);
  }
}

/** The request is valid but the thing is already in the asked state (a call-back already done). */
export class ConflictError extends FieldError {
  constructor(field: string, message: string) {
    super('E_CONFLICT', field, message);
  }
}

/** A feature the unit does not have yet; the message says why. */
export class NotImplementedError extends DeskphoneError {
  constructor(message: string) {
    super('E_NOT_IMPLEMENTED', message);
  }
}

/** Every line is in use: nothing can be placed until one is free. */
export class LineBusyError extends FieldError {
  constructor(field: string, message: string) {
    super('E_LINE_BUSY', field, message);
  }
}

/** There is no call on the line for what was asked (a transfer with no call up). */
export class NoCallError extends FieldError {
  constructor(field: string, message: string) {
    super('E_NO_CALL', field, message);
  }
}

/** A number cannot be dialled: the unit has no registrar (direct IP mode), or the stored number is an address. */
export class NotDialableError extends FieldError {
  constructor(field: string, message: string) {
    super('E_NOT_DIALABLE', field, message);
  }
}

/** R13: the transfer in progress cannot do what was asked (nothing to connect yet, nothing to cancel, one already on). */
export class TransferStateError extends FieldError {
  constructor(field: string, message: string) {
    super('E_TRANSFER_STATE', field, message);
  }
}

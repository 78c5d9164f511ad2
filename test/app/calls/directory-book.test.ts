import { describe, expect, it } from 'vitest';
import { DirectoryBook } from '../../../src/app/calls/directory-book.ts';
import { NotDialableError } from '../../../src/core/api-errors.ts';

describe('DirectoryBook.numberUri (stored numbers: call-backs)', () => {
  const book = new DirectoryBook([{ name: 'Li', uri: 'sip:li@pbx.example' }], 'pbx.example');

  it('dials a number through the registrar, separators dropped', () => {
    expect(book.numberUri('+86 138 0000 0000', 'params.id')).toBe('sip:+8613800000000@pbx.example');
  });

  it('never turns a stored address or a directory name into a target', () => {
    expect(book.numberUri('sip:x@elsewhere.example', 'params.id')).toBeNull();
    expect(book.numberUri('Li', 'params.id')).toBeNull();
  });

  it('refuses numbers without a registrar, naming the field', () => {
    const direct = new DirectoryBook([], null);
    expect(() => direct.numberUri('2001', 'params.id')).toThrow(NotDialableError);
    expect(() => direct.numberUri('2001', 'params.id')).toThrow(/params\.id: .*sip\.registrar is not set/);
  });
});

// Addresses, postcodes, phones, emails and identifiers: normalised so that the way they were typed
// does not count, and compared in grades.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseAddressWords, normalisePostcode, prepareAddress } from './address.ts';
import {
  identifierShape,
  normaliseEmail,
  normaliseGender,
  normaliseIdentifier,
  normalisePhone,
} from './contact.ts';
import {
  ADDR,
  ADDRESS,
  compareAddress,
  compareEmail,
  compareIdentifiers,
  comparePhone,
  comparePostcode,
  compareVector,
  ID,
  MAIL,
  MISSING,
  PC,
  PHONE,
  PHONE_LEVEL,
  POSTCODE,
  VECTOR_LENGTH,
} from './comparisons.ts';
import { comparePeople, preparePerson, type PersonInput } from './index.ts';

const p = (input: PersonInput) => preparePerson(input);

test('street words have one spelling', () => {
  assert.deepEqual(normaliseAddressWords('12 High Street'), ['12', 'high', 'st']);
  assert.deepEqual(normaliseAddressWords('12, HIGH ST.'), ['12', 'high', 'st']);
  assert.deepEqual(normaliseAddressWords('Flat 3, St John’s Road'), ['flat', '3', 'st', 'johns', 'rd']);
  assert.deepEqual(normaliseAddressWords('Apartment 3'), ['flat', '3']);
  const a = prepareAddress('Flat 3', '12 High Street', 'Loughborough', 'le11 3tr', '000100030001234');
  assert.deepEqual(a.numbers, ['12', '3']);
  assert.deepEqual(a.streetWords, ['high', 'st']);
  assert.equal(a.postcode, 'LE113TR');
  assert.equal(a.outward, 'LE11');
  assert.equal(a.sector, 'LE113');
  assert.equal(a.uprn, '100030001234');
});

test('addresses: UPRN, exact, written differently, same street, same town', () => {
  const addr = (a: PersonInput, b: PersonInput) => compareAddress(p(a), p(b));
  assert.equal(
    addr({ addressLine1: '1 A St', uprn: '100' }, { addressLine1: '9 Other Rd', uprn: '100' }),
    ADDR.UPRN,
  );
  assert.equal(addr({ addressLine1: '12 High Street' }, { addressLine1: '12 high st' }), ADDR.EXACT);
  assert.equal(
    addr({ addressLine1: 'Flat 3, 12 High Street' }, { addressLine1: '3 / 12 High St' }),
    ADDR.SIMILAR,
  );
  assert.equal(addr({ addressLine1: '12 High Street' }, { addressLine1: '14 High Street' }), ADDR.STREET);
  assert.equal(
    addr({ town: 'Loughborough' }, { town: 'LOUGHBOROUGH', addressLine1: '1 Mill Lane' }),
    ADDR.TOWN,
  );
  assert.equal(addr({ town: 'Loughborough' }, { town: 'Loughbrough' }), ADDR.TOWN);
  assert.equal(addr({ addressLine1: '12 High Street' }, { addressLine1: '3 Mill Lane' }), ADDR.DIFFERENT);
  assert.equal(addr({}, { addressLine1: '3 Mill Lane' }), MISSING);
});

test('UK postcodes: full, one character, sector, district; other countries’ codes without UK rules', () => {
  const pc = (a: string, b: string) => comparePostcode(p({ postcode: a }), p({ postcode: b }));
  assert.equal(normalisePostcode(' le11 3tr '), 'LE113TR');
  assert.equal(pc('LE11 3TR', 'le113tr'), PC.EXACT);
  assert.equal(pc('LE11 3TR', 'LE11 3RT'), PC.TYPO);
  assert.equal(pc('LE11 3TR', 'LE11 3AB'), PC.SECTOR);
  assert.equal(pc('LE11 3TR', 'LE11 9AB'), PC.DISTRICT);
  assert.equal(pc('LE11 3TR', 'NG7 2RD'), PC.DIFFERENT);
  // Australian four-digit codes, as in the FEBRL test data.
  assert.equal(pc('4011', '4011'), PC.EXACT);
  assert.equal(pc('4011', '4017'), PC.TYPO);
  assert.equal(pc('4011', '2776'), PC.DIFFERENT);
});

test('a postcode or landline shared by the same dwelling is not counted twice', () => {
  const v = new Uint8Array(VECTOR_LENGTH);
  compareVector(
    p({ addressLine1: '12 High St', postcode: 'LE11 3TR', phone: '01509 123456' }),
    p({ addressLine1: '12 High Street', postcode: 'LE113TR', phone: '01509123456' }),
    v,
  );
  assert.equal(v[ADDRESS], ADDR.EXACT);
  assert.equal(v[POSTCODE], MISSING);
  assert.equal(v[PHONE], MISSING);
  // A mobile is personal, so it still counts.
  compareVector(
    p({ addressLine1: '12 High St', phone: '07700 900123' }),
    p({ addressLine1: '12 High St', phone: '+44 7700 900123' }),
    v,
  );
  assert.equal(v[PHONE], PHONE_LEVEL.EXACT);
  const result = comparePeople(
    p({ addressLine1: '12 High St', postcode: 'LE11 3TR' }),
    p({ addressLine1: '12 High Street', postcode: 'LE11 3TR' }),
  );
  assert.equal(result.reasons.filter((r) => r.field === 'postcode').length, 0);
});

test('phones in UK national form', () => {
  for (const raw of [
    '07700 900123',
    '+44 7700 900123',
    '0044 7700 900 123',
    '7700900123',
    '(07700) 900-123',
  ]) {
    assert.equal(normalisePhone(raw), '07700900123', raw);
  }
  assert.equal(normalisePhone('123'), '');
  assert.equal(comparePhone(p({ phone: '07700 900123' }), p({ phone: '07700 900124' })), PHONE_LEVEL.TYPO);
  assert.equal(
    comparePhone(p({ phone: '07700 900123' }), p({ phone: '01509 555555' })),
    PHONE_LEVEL.DIFFERENT,
  );
});

test('emails: case, tags and Gmail dots do not count', () => {
  assert.equal(normaliseEmail(' Jo.Bloggs+council@GoogleMail.com '), 'jobloggs@gmail.com');
  assert.equal(normaliseEmail('Jo.Bloggs@example.org'), 'jo.bloggs@example.org');
  const mail = (a: string, b: string) => compareEmail(p({ email: a }), p({ email: b }));
  assert.equal(mail('jo.bloggs@gmail.com', 'JOBLOGGS@gmail.com'), MAIL.EXACT);
  assert.equal(mail('jo.bloggs@example.org', 'jo.bloggs@example.com'), MAIL.SIMILAR);
  assert.equal(mail('t.m39@brooks-sawyer.com', 't.m39@brooks-sawer.com'), MAIL.SIMILAR);
  assert.equal(mail('someone@example.org', 'other.person@elsewhere.net'), MAIL.DIFFERENT);
});

test('identifiers: normalised, compared only with identifiers of the same shape', () => {
  assert.equal(normaliseIdentifier('ab 12 34 56 c'), 'AB123456C');
  assert.equal(normaliseIdentifier('12/345678A'), '12345678A');
  assert.equal(identifierShape('AB123456C'), 'AA999999A');
  const ids = (a: string[], b: string[]) => compareIdentifiers(p({ identifiers: a }), p({ identifiers: b }));
  assert.equal(ids(['AB 12 34 56 C', '943 476 5919'], ['9434765919']), ID.EXACT);
  assert.equal(ids(['AB123456C'], ['AB123457C']), ID.TYPO);
  assert.equal(ids(['AB123456C'], ['ZX987654A']), ID.DIFFERENT);
  // An NI number and an NHS number say nothing about each other.
  assert.equal(ids(['AB123456C'], ['9434765919']), MISSING);
});

test('gender: common spellings, unknown is missing', () => {
  assert.equal(normaliseGender('Male'), 'm');
  assert.equal(normaliseGender('F'), 'f');
  assert.equal(normaliseGender('Not known'), '');
  assert.equal(normaliseGender('Non-binary'), 'non-binary');
});

// National identifiers: check digits and allocation rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayNhsNumber, displayNiNumber, parseNhsNumber, parseNiNumber, parsePncId, pncCheckLetter } from './identifiers.ts';

test('NHS numbers pass only with the right modulus 11 check digit', () => {
  assert.equal(parseNhsNumber('943 476 5919'), '9434765919');
  assert.equal(parseNhsNumber('401-023-2137'), '4010232137');
  assert.equal(displayNhsNumber('9434765919'), '943 476 5919');
  assert.equal(parseNhsNumber('9434765918'), null, 'wrong check digit');
  assert.equal(parseNhsNumber('943476591'), null, 'nine digits');
  assert.equal(parseNhsNumber('94347659190'), null, 'eleven digits');
  assert.equal(parseNhsNumber('94347659A9'), null, 'a letter');
  // These nine digits give a check digit of 10, which is never issued.
  assert.equal(parseNhsNumber('0000000060'), null);
  assert.equal(parseNhsNumber('0000000000'), '0000000000');
});

test('National Insurance numbers follow HMRC’s format and prefix rules', () => {
  assert.equal(parseNiNumber('ab 12 34 56 c'), 'AB123456C');
  assert.equal(displayNiNumber('AB123456C'), 'AB 12 34 56 C');
  assert.equal(parseNiNumber('JG103759A'), 'JG103759A');
  for (const bad of ['BG123456C', 'GB123456C', 'NK123456C', 'KN123456C', 'TN123456C', 'NT123456C', 'ZZ123456C']) assert.equal(parseNiNumber(bad), null, bad);
  for (const first of 'DFIQUV') assert.equal(parseNiNumber(`${first}A123456C`), null, `first letter ${first}`);
  for (const second of 'DFIOQUV') assert.equal(parseNiNumber(`A${second}123456C`), null, `second letter ${second}`);
  assert.equal(parseNiNumber('AB123456E'), null, 'suffix beyond D');
  assert.equal(parseNiNumber('AB12345C'), null, 'five digits');
  assert.equal(parseNiNumber('A1123456C'), null);
});

test('PNC IDs need the right check letter', () => {
  // 981234567 mod 23 = 11, the twelfth letter of ZABCDEFGHJKLMNPQRTUVWXY.
  assert.equal(pncCheckLetter('98', '1234567'), 'L');
  assert.equal(parsePncId('98/1234567L'), '98/1234567L');
  assert.equal(parsePncId('98/1234567l'), '98/1234567L');
  assert.equal(parsePncId('98/1234567X'), null);
  assert.equal(parsePncId('1998/1234567L'), '98/1234567L', 'a four-digit year');
  // 010000345 mod 23 = 14, the fifteenth letter.
  assert.equal(pncCheckLetter('01', '0000345'), 'P');
  assert.equal(parsePncId('01/345P'), '01/0000345P', 'a short serial is zero-padded');
  assert.equal(parsePncId('98-1234567L'), null);
  assert.equal(parsePncId('98/12345678L'), null);
  assert.equal(parsePncId(''), null);
});

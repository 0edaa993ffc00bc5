// Phone normalization lives in src/domain (services use it too: CSV import); channels keep importing it from here.
export { InvalidPhoneNumberError, toE164, tryE164 } from '../src/domain/phone';

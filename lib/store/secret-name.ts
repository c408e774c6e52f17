import { InvalidSecretNameError } from './errors.ts';

/** Secrets Manager's name charset and length limit, under Trustline's `trustline/` prefix. */
const SECRET_NAME = /^trustline\/[A-Za-z0-9/_+=.@-]+$/;
const MAX_SECRET_NAME_LENGTH = 512;

/** Throws InvalidSecretNameError unless `name` is a name both secret stores accept. */
export function assertSecretName(name: string): void {
  if (name.length > MAX_SECRET_NAME_LENGTH || !SECRET_NAME.test(name)) throw new InvalidSecretNameError(name);
}

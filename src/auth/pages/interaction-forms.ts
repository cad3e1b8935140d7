import { type PipeTransform } from '@nestjs/common';
import { InteractionError } from './interaction.errors';

/**
 * Form bodies arrive as whatever the client sent: a repeated field is an array, a JSON body
 * may hold numbers or objects. Each field is checked for type and length here, before any
 * work (no throttle lookup, no scrypt, nothing stored): a hostile form (a repeated field, a
 * value that is not text, a huge username or password) gets a 400 page before it can cost an
 * scrypt run or a throttle row.
 */
export const LIMITS = { username: 256, password: 1024, csrf: 128 } as const;

export interface LoginForm {
  readonly action: 'login' | 'abort';
  readonly username: string;
  readonly password: string;
}

export interface ConsentForm {
  readonly action: 'allow' | 'deny';
}

type Body = Readonly<Record<string, unknown>>;

function asBody(value: unknown): Body {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InteractionError('invalid_form', 'The form could not be read.');
  }
  return value as Body;
}

/** One optional text field: a string of at most `max` characters, or absent. */
export function textField(body: unknown, name: string, max: number): string | undefined {
  const value = asBody(body)[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    throw new InteractionError('invalid_form', `The field "${name}" was sent more than once.`);
  }
  if (typeof value !== 'string') {
    throw new InteractionError('invalid_form', `The field "${name}" must be text.`);
  }
  if (value.length > max) {
    throw new InteractionError(
      'invalid_form',
      `The ${name} is too long (at most ${max} characters).`,
    );
  }
  return value;
}

function choice<T extends string>(body: unknown, allowed: readonly T[], fallback: T): T {
  const value = textField(body, 'action', 16);
  if (value === undefined) return fallback;
  const found = allowed.find((a) => a === value);
  if (!found)
    throw new InteractionError('invalid_form', 'The form was sent with an unknown action.');
  return found;
}

export function parseLoginForm(body: unknown): LoginForm {
  return {
    // Pressing Enter in a field submits the first button, but a form without one is a login.
    action: choice(body, ['login', 'abort'], 'login'),
    username: textField(body, 'username', LIMITS.username) ?? '',
    password: textField(body, 'password', LIMITS.password) ?? '',
  };
}

export function parseConsentForm(body: unknown): ConsentForm {
  // Anything but an explicit "allow" is a refusal.
  return { action: choice(body, ['allow', 'deny'], 'deny') };
}

export class LoginFormPipe implements PipeTransform<unknown, LoginForm> {
  transform(body: unknown): LoginForm {
    return parseLoginForm(body);
  }
}

export class ConsentFormPipe implements PipeTransform<unknown, ConsentForm> {
  transform(body: unknown): ConsentForm {
    return parseConsentForm(body);
  }
}

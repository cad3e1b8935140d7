/**
 * HTML built by a tagged template that escapes every interpolated value unless it is already
 * `SafeHtml`: a page cannot forget to escape a client name, because forgetting is the default
 * that escapes. Only `markup` itself and `trustedHtml` (for markup a library renders, never
 * request data) make `SafeHtml`.
 */
class SafeHtml {
  readonly #markup: string;

  constructor(markup: string) {
    this.#markup = markup;
  }

  toString(): string {
    return this.#markup;
  }
}

// Only the type leaves this file: no other module can make SafeHtml out of a string except
// through `markup` (which escapes) or `trustedHtml` (which says so).
export type { SafeHtml };

/** A value a template may hold: text (escaped), trusted markup, lists of either, or nothing. */
export type HtmlValue =
  SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&#38;',
  '<': '&#60;',
  '>': '&#62;',
  '"': '&#34;',
  "'": '&#39;',
};

/** Escapes the five HTML-significant characters, so text is safe in content and quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString();
  // `false`, `null` and `undefined` render nothing, so `${cond && markup`...`}` reads naturally.
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** Named `markup`, not `html`: Prettier reformats templates tagged `html`, changing the output. */
export function markup(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/**
 * Markup produced by code we trust, not by a request (oidc-provider's own logout form). The
 * name is long on purpose: every call is a place a reviewer should look at.
 */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

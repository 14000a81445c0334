/**
 * Cookie helpers for tests: take a `Set-Cookie` and send it back.
 *
 * @module
 */

/** Parsed `Set-Cookie` headers of a response: name → { value, attributes }. */
export function setCookies(
  response: Response,
): Map<string, { value: string; attributes: string[] }> {
  const cookies = new Map<string, { value: string; attributes: string[] }>();
  for (const header of response.headers.getSetCookie()) {
    const [pair = "", ...attributes] = header.split(";").map((part) => part.trim());
    const eq = pair.indexOf("=");
    cookies.set(pair.slice(0, eq), { value: pair.slice(eq + 1), attributes });
  }
  return cookies;
}

/** The `Cookie` header value that sends back the cookies a response set. */
export function cookieHeader(response: Response): string {
  return [...setCookies(response)]
    .filter(([, cookie]) => cookie.value !== "")
    .map(([name, cookie]) => `${name}=${cookie.value}`)
    .join("; ");
}

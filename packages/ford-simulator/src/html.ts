/** The B2C sign-in pages: plain HTML forms, enough for a person or a headless browser to sign in. */

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #102b4e; }
label { display: block; margin-top: 1rem; }
input[type=text], input[type=email], input[type=password] { width: 100%; padding: .5rem; font-size: 1rem; }
button { margin-top: 1.5rem; padding: .6rem 1.5rem; font-size: 1rem; background: #00095b; color: #fff; border: 0; }
textarea { width: 100%; font-family: monospace; font-size: .8rem; word-break: break-all; }
.error { color: #b00020; font-weight: bold; }
.note { color: #555; font-size: .9rem; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

export interface SignInPageOptions {
  action: string;
  brandName: string;
  hidden: Record<string, string>;
  username?: string;
  error?: string;
}

export function signInPage(options: SignInPageOptions): string {
  const hidden = Object.entries(options.hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const error = options.error
    ? `<p class="error" id="error" role="alert">${escapeHtml(options.error)}</p>`
    : '';
  return page(
    `Sign In - ${options.brandName}`,
    `<h1>Sign in to your ${escapeHtml(options.brandName)} account</h1>
<p class="note">Ford API simulator: this page stands in for Ford's Azure B2C sign-in.</p>
${error}
<form id="signin" method="post" action="${escapeHtml(options.action)}">
${hidden}
<label for="username">Email address</label>
<input type="email" id="username" name="username" autocomplete="username" required value="${escapeHtml(options.username ?? '')}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit" id="next">Sign in</button>
</form>`,
  );
}

export function signedInPage(redirectUrl: string, scheme: string): string {
  return page(
    'Signed in',
    `<h1>Signed in</h1>
<p>Ford now sends your browser to the address below. Browsers cannot open the <code>${escapeHtml(scheme)}://</code>
scheme, so a real sign-in page keeps loading forever at this point. Copy the whole address, starting with
<code>${escapeHtml(scheme)}://userauthorized/?code=</code>, and paste it into the integration.</p>
<textarea id="redirect-url" readonly rows="10" onfocus="this.select()">${escapeHtml(redirectUrl)}</textarea>
<p class="note">The code is single use and expires after a few minutes.</p>`,
  );
}

export function errorPage(message: string): string {
  return page(
    'Sign-in error',
    `<h1>Sorry, something went wrong</h1>
<p class="error" id="error">${escapeHtml(message)}</p>`,
  );
}

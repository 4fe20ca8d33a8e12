/** Who signs in on the simulator's sign-in page. */
export interface SignInCredentials {
  username: string;
  password: string;
}

/**
 * What a user's browser does with the sign-in link a flow shows: open Ford's sign-in page, enter the
 * credentials, land on the `fordapp://userauthorized/?code=…` address. Scripted over HTTP through
 * `POST /_sim/login`, with the PKCE challenge and redirect URI taken from the flow's own authorize URL.
 * Resolves with the redirect address the user would paste back; rejects with the status on a refusal.
 */
export async function browserSignIn(
  simulatorUrl: string,
  authorizeUrl: string,
  credentials: SignInCredentials,
): Promise<string> {
  const authorize = new URL(authorizeUrl);
  const res = await fetch(`${simulatorUrl}/_sim/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username: credentials.username,
      password: credentials.password,
      codeChallenge: authorize.searchParams.get('code_challenge'),
      redirectUri: authorize.searchParams.get('redirect_uri'),
    }),
  });
  if (res.status !== 200)
    throw new Error(`/_sim/login answered ${res.status} for ${credentials.username}: ${await res.text()}`);
  return ((await res.json()) as { redirectUrl: string }).redirectUrl;
}

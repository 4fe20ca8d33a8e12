// One configured entry as a card: its state in words, and what can be done with it.
import { el } from './dom.js';

/** Whether the runtime stopped this entry for its credentials. */
export function authFailed(entry) {
  return (
    entry.state === 'setup_error' &&
    (entry.reason === 'auth_failed' || entry.reason?.startsWith('reauth_loop') === true)
  );
}

/**
 * Whether the user must sign in again: the runtime said so, or a reauth flow waits for an entry that
 * is not loaded. A reauth the user opened on a working entry does not make it look broken.
 */
export function needsReauth(entry, flows) {
  if (authFailed(entry)) return true;
  return entry.state !== 'loaded' && flows.some((f) => f.source === 'reauth' && f.entryId === entry.entryId);
}

export function stateLabel(entry, reauth) {
  if (reauth) return 'Needs re-authentication';
  switch (entry.state) {
    case 'loaded':
      return 'Loaded';
    case 'setup_retry':
      return 'Retrying';
    case 'setup_in_progress':
      return 'Setting up…';
    case 'not_loaded':
      return 'Not loaded';
    case 'setup_error':
      return 'Failed';
    case 'migration_error':
      return 'Migration failed';
    default:
      return entry.state.replaceAll('_', ' ');
  }
}

/** `actions.run(entry, action)` performs `reload`, `refresh`, `reauth`, `reconfigure`, `options`, `diagnostics`, `delete`. */
export function entryCard(entry, { handler, flows, run }) {
  const reauth = needsReauth(entry, flows);
  const status = reauth ? 'reauth' : entry.state;
  const button = (action, label, extra = {}) =>
    el(
      'button',
      { type: 'button', 'data-testid': `entry-${action}`, onclick: () => run(entry, action), ...extra },
      label,
    );
  const sources = handler?.sources ?? [];
  const del = el('button', { type: 'button', className: 'danger', 'data-testid': 'entry-delete' }, 'Delete');
  // Two clicks, no modal: the second one within the same view confirms.
  del.addEventListener('click', () => {
    if (del.dataset.armed) run(entry, 'delete');
    else {
      del.dataset.armed = '1';
      del.textContent = 'Click again to delete';
    }
  });
  return el(
    'li',
    {
      className: `entry state-${status}`,
      'data-testid': `entry-${entry.entryId}`,
      'data-entry-title': entry.title,
      'data-domain': entry.domain,
      'data-state': entry.state,
      'data-needs-reauth': reauth ? 'true' : 'false',
    },
    el(
      'div',
      { className: 'entry-head' },
      el(
        'div',
        {},
        el('p', { className: 'eyebrow' }, handler?.title ?? entry.domain),
        el('h3', { 'data-testid': 'entry-title' }, entry.title),
      ),
      el(
        'span',
        { className: `badge badge-${status}`, 'data-testid': 'entry-state' },
        stateLabel(entry, reauth),
      ),
    ),
    entry.reason && !reauth && entry.state !== 'loaded'
      ? el('p', { className: 'reason', 'data-testid': 'entry-reason' }, entry.reason)
      : null,
    reauth
      ? el(
          'div',
          { className: 'callout', 'data-testid': 'entry-reauth-callout' },
          el('p', {}, 'The service no longer accepts the saved sign-in. Sign in again to resume.'),
          button('reauth', 'Re-authenticate', { className: 'primary' }),
        )
      : null,
    el(
      'div',
      { className: 'entry-actions' },
      button('refresh', 'Refresh'),
      button('reload', 'Reload'),
      sources.includes('options') ? button('options', 'Options') : null,
      sources.includes('reconfigure') ? button('reconfigure', 'Reconfigure') : null,
      !reauth && sources.includes('reauth') ? button('reauth', 'Re-authenticate') : null,
      button('diagnostics', 'Diagnostics'),
      del,
    ),
  );
}

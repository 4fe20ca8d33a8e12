// The configflow web UI: integrations, flows in progress, and the flow dialog, kept live by SSE.
import { ApiError, api, hasToken, initToken, setToken, subscribe } from './api.js';
import { el } from './dom.js';
import { authFailed, entryCard } from './entryView.js';
import { FlowDialog, rememberedFlow } from './flowDialog.js';

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);

const state = { handlers: [], entries: [], flows: [] };

let toastTimer;
function toast(message) {
  const node = $('toast');
  node.textContent = message;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    node.hidden = true;
  }, 6000);
}

/** Closing keeps only the reauth flow of an entry the runtime stopped for its credentials. */
function keepOnClose(result) {
  if (result.source !== 'reauth') return false;
  const flow = state.flows.find((f) => f.flowId === result.flowId);
  const entry = flow && state.entries.find((e) => e.entryId === flow.entryId);
  return entry !== undefined && authFailed(entry);
}

const dialog = new FlowDialog($('flow-dialog'), { onChange: () => refresh(), toast, keepOnClose });

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function handlerOf(domain) {
  return state.handlers.find((h) => h.domain === domain);
}

function renderEntries() {
  const list = $('entry-list');
  list.replaceChildren(
    ...state.entries.map((entry) =>
      entryCard(entry, { handler: handlerOf(entry.domain), flows: state.flows, run: runEntryAction }),
    ),
  );
  $('entries-empty').hidden = state.entries.length > 0;
}

function renderFlows() {
  const list = $('flow-list');
  list.replaceChildren(
    ...state.flows.map((flow) => {
      const entry = state.entries.find((e) => e.entryId === flow.entryId);
      return el(
        'li',
        { className: 'flow', 'data-testid': `flow-${flow.flowId}`, 'data-source': flow.source },
        el(
          'div',
          {},
          el('strong', {}, handlerOf(flow.handler)?.title ?? flow.handler),
          ` · ${flow.source}${entry ? ` · ${entry.title}` : ''} · step ${flow.stepId}`,
          flow.startedAt === undefined
            ? null
            : el(
                'span',
                { className: 'muted', 'data-testid': 'flow-started' },
                ` · started ${timeFormat.format(new Date(flow.startedAt))}`,
              ),
        ),
        el(
          'div',
          { className: 'flow-actions' },
          el(
            'button',
            { type: 'button', 'data-testid': 'flow-continue', onclick: () => continueFlow(flow.flowId) },
            'Continue',
          ),
          el(
            'button',
            {
              type: 'button',
              className: 'danger',
              'data-testid': 'flow-discard',
              onclick: () => discardFlow(flow.flowId),
            },
            'Discard',
          ),
        ),
      );
    }),
  );
  $('flows-empty').hidden = state.flows.length > 0;
}

let refreshing;
let again = false;
/** Reloads entries and flows; calls while one runs coalesce into a single follow-up. */
async function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      try {
        const [entries, flows] = await Promise.all([api('/api/entries'), api('/api/flows')]);
        state.entries = entries;
        state.flows = flows;
        renderEntries();
        renderFlows();
      } catch (error) {
        handleError(error);
      }
    } while (again);
  })();
  try {
    await refreshing;
  } finally {
    refreshing = undefined;
  }
}

function handleError(error) {
  if (error instanceof ApiError && error.status === 401) {
    // A token was sent and refused: say so, rather than asking again as if none had been given.
    $('token-error').hidden = !hasToken();
    $('token-dialog').hidden = false;
    $('token-input').select();
    $('token-input').focus();
    return;
  }
  toast(error.message);
}

async function continueFlow(flowId) {
  try {
    dialog.open(await api(`/api/flows/${encodeURIComponent(flowId)}`));
  } catch (error) {
    handleError(error);
    void refresh();
  }
}

async function discardFlow(flowId) {
  try {
    await api(`/api/flows/${encodeURIComponent(flowId)}`, { method: 'DELETE' });
  } catch (error) {
    handleError(error);
  }
  await refresh();
}

async function runEntryAction(entry, action) {
  const path = `/api/entries/${encodeURIComponent(entry.entryId)}`;
  try {
    switch (action) {
      case 'reauth':
      case 'reconfigure':
      case 'options':
        dialog.open(await api(`${path}/${action}`, { method: 'POST' }));
        break;
      case 'reload':
      case 'refresh': {
        const after = await api(`${path}/${action}`, { method: 'POST' });
        // The call succeeds even when the entry's update did not: say what happened to the entry.
        if (after.state === 'loaded')
          toast(`${entry.title}: ${action === 'reload' ? 'reloaded' : 'refreshed'}`);
        else toast(`${entry.title}: ${action} failed (${after.reason ?? after.state.replaceAll('_', ' ')})`);
        break;
      }
      case 'diagnostics': {
        const data = await api(`${path}/diagnostics`);
        $('diagnostics-body').textContent = JSON.stringify(data, null, 2);
        $('diagnostics-dialog').hidden = false;
        break;
      }
      case 'delete':
        await api(path, { method: 'DELETE' });
        break;
    }
  } catch (error) {
    handleError(error);
  }
  await refresh();
}

async function openPicker() {
  try {
    state.handlers = await api('/api/handlers');
  } catch (error) {
    handleError(error);
    return;
  }
  const list = $('handler-list');
  list.replaceChildren(
    ...state.handlers
      .filter((h) => h.sources.includes('user'))
      .map((h) =>
        el(
          'li',
          {},
          el(
            'button',
            {
              type: 'button',
              className: 'handler',
              'data-testid': `handler-${h.domain}`,
              onclick: () => startFlow(h.domain),
            },
            el('strong', {}, h.title),
            el('span', { className: 'muted' }, h.domain),
          ),
        ),
      ),
  );
  $('handler-picker').hidden = false;
}

async function startFlow(handler) {
  $('handler-picker').hidden = true;
  try {
    dialog.open(await api('/api/flows', { method: 'POST', body: { handler } }));
  } catch (error) {
    handleError(error);
  }
  void refresh();
}

function setLive(status) {
  const node = $('connection-status');
  node.dataset.state = status;
  node.textContent =
    status === 'live' ? 'live' : status === 'unauthorized' ? 'token needed' : 'reconnecting…';
}

let unsubscribe;
function connect() {
  unsubscribe?.();
  unsubscribe = subscribe((type, data) => {
    if (type === 'ready') {
      // Whatever happened while disconnected is read again.
      void refresh();
      void dialog.resync();
      return;
    }
    if (type === 'created' || type === 'progressed' || type === 'progress' || type === 'ended') {
      dialog.onEvent(type, data);
      if (type !== 'progress') void refresh();
      return;
    }
    if (type.startsWith('entry_')) void refresh();
  }, setLive);
}

async function boot() {
  try {
    state.handlers = await api('/api/handlers');
  } catch (error) {
    handleError(error);
    return;
  }
  await refresh();
  connect();
  // A reload (or Back) in the middle of a flow comes back to it.
  const open = rememberedFlow();
  if (open && state.flows.some((f) => f.flowId === open)) await continueFlow(open);
}

$('add-integration').addEventListener('click', openPicker);
$('handler-picker-close').addEventListener('click', () => {
  $('handler-picker').hidden = true;
});
$('diagnostics-close').addEventListener('click', () => {
  $('diagnostics-dialog').hidden = true;
});
$('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  setToken($('token-input').value);
  $('token-dialog').hidden = true;
  void boot();
});

initToken();
void boot();

import { html, httpHandler, pathParam } from '../../lib/http/index.ts';
import { completeAuthorization, renderCallbackPage } from '../../lib/oauth/index.ts';
import { services } from '../../lib/runtime/index.ts';

/** GET /oauth/callback/{redirectKey}: public; the provider sends the admin's browser here. */
export const handler = httpHandler({
  'GET /oauth/callback/{redirectKey}': async (event) => {
    const outcome = await completeAuthorization(await services(), pathParam(event, 'redirectKey'), event.rawQueryString);
    const page = renderCallbackPage(outcome);
    return html(page.status, page.html);
  },
});

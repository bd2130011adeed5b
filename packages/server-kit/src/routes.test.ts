import { describe, expect, it } from 'vitest';
import { responsesDoor } from './doors/responses/responses-door.js';
import { matchRoute } from './routes.js';

describe('matchRoute: door routes', () => {
  const doors = [responsesDoor()];

  it('picks the route of the method among several on one path', () => {
    expect(matchRoute('/v1/responses/resp_1', 'DELETE', doors)).toMatchObject({
      kind: 'door-route',
      route: 'responses.delete',
      allow: 'DELETE',
      params: { id: 'resp_1' },
    });
    expect(matchRoute('/v1/responses/resp_1', 'GET', doors)).toMatchObject({
      route: 'responses.retrieve',
      allow: 'GET',
    });
  });

  it('allows every method of the path when none is the one asked (the 405 lists them all)', () => {
    expect(matchRoute('/v1/responses/resp_1', 'PUT', doors)).toMatchObject({
      kind: 'door-route',
      allow: 'GET, DELETE',
    });
    expect(matchRoute('/v1/responses/resp_1/input_items', 'POST', doors)).toMatchObject({ allow: 'GET' });
  });
});

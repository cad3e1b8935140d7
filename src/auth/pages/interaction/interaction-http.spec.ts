import { Body, Controller, Get, Post, UseFilters, UseGuards } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { errors } from 'oidc-provider';
import { SHARED_CONFIG } from '../../../config/config.module';
import { loadConfig } from '../../../config/config';
import { AllExceptionsFilter } from '../../../core/all-exceptions.filter';
import { CsrfTokens } from '../csrf';
import { InteractionExceptionFilter } from '../interaction-exception.filter';
import { type LoginForm, LoginFormPipe } from '../interaction-forms';
import { InteractionError } from '../interaction.errors';
import { SameSiteFormGuard } from './same-site-form.guard';

/** A stand-in for the interaction controller: the real guard, pipe and filter around it. */
@Controller('interaction/:uid')
@UseFilters(InteractionExceptionFilter)
class ProbeController {
  @Post('login')
  @UseGuards(SameSiteFormGuard)
  login(@Body(LoginFormPipe) form: LoginForm) {
    return { accepted: form.username };
  }

  @Get('gone')
  gone() {
    throw new errors.SessionNotFound('interaction session not found');
  }

  @Get('other')
  other() {
    throw new InteractionError('other_interaction');
  }

  @Get('broken')
  broken() {
    throw new Error('a bug, not a refusal');
  }
}

describe('interaction guard, form pipe and filter over HTTP', () => {
  const config = loadConfig({ NODE_ENV: 'test' });
  const csrf = new CsrfTokens('test-key');
  let app: NestFastifyApplication;
  let base: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [ProbeController],
      providers: [
        { provide: SHARED_CONFIG, useValue: config.shared },
        { provide: CsrfTokens, useValue: csrf },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        SameSiteFormGuard,
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(() => app?.close());

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/interaction/uid-1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });
  const get = (path: string) => fetch(`${base}/interaction/uid-1/${path}`);
  const token = encodeURIComponent(csrf.issue('uid-1'));

  it('lets a same-origin form with the right token through', async () => {
    const response = await post(`csrf=${token}&username=alice&password=pw`, {
      origin: new URL(config.shared.issuer).origin,
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ accepted: 'alice' });
  });

  it('refuses a form posted from another origin with a 403 page', async () => {
    const response = await post(`csrf=${token}&username=alice`, { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await response.text()).toContain('The form was posted from another site.');
  });

  it.each([
    ['no token', 'username=alice'],
    ['a forged token', 'csrf=forged&username=alice'],
    ['the token of another interaction', `csrf=${encodeURIComponent(csrf.issue('uid-2'))}`],
  ])('refuses %s with a 403 page', async (_label, body) => {
    const response = await post(body);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('The form has expired.');
  });

  it('refuses a repeated CSRF field with a 400 page, not a 500', async () => {
    const response = await post(`csrf=${token}&csrf=${token}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('The field &#34;csrf&#34; was sent more than once.');
  });

  it('refuses a repeated username with a 400 page, not a 500', async () => {
    const response = await post(`csrf=${token}&username=alice&username=bob`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(
      'The field &#34;username&#34; was sent more than once.',
    );
  });

  it('refuses a JSON body whose password is not text', async () => {
    const response = await fetch(`${base}/interaction/uid-1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ csrf: csrf.issue('uid-1'), password: { length: 1 } }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('The field &#34;password&#34; must be text.');
  });

  it("renders oidc-provider's SessionNotFound as the sign-in-expired page", async () => {
    const response = await get('gone');
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('Sign-in expired');
    expect(page).not.toContain('interaction session not found');
  });

  it('renders an interaction of another tab as expired', async () => {
    const response = await get('other');
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('does not belong to the current sign-in');
  });

  it('leaves other errors to the global filter: a bare 500 that reveals nothing', async () => {
    const response = await get('broken');
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('a bug');
  });
});

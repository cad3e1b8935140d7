import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Header } from '@nestjs/common';

/** Built next to this file (nest-cli.json copies assets/ into dist). */
export const ASSETS_DIR = join(__dirname, 'assets');

/**
 * Browsers ask every site for /favicon.ico; answering 404 fills the logs with noise. The icon
 * is SVG (every current browser takes it, whatever the path's extension).
 */
@Controller()
export class FaviconController {
  private readonly icon = readFileSync(join(ASSETS_DIR, 'favicon.svg'));

  @Get('favicon.ico')
  @Header('content-type', 'image/svg+xml')
  @Header('cache-control', 'public, max-age=86400')
  @Header('x-content-type-options', 'nosniff')
  favicon(): Buffer {
    return this.icon;
  }
}

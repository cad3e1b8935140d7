/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_AUTHORITY?: string;
  readonly VITE_CLIENT_ID?: string;
  readonly VITE_API_BASE_URL?: string;
  readonly VITE_MCP_BASE_URL?: string;
  readonly VITE_SCOPE?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}

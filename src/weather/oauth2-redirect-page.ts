/**
 * Swagger UI's OAuth2 redirect page, served in place of swagger-ui-dist's, reading the query's
 * `+` as the spaces they are. The AuthServer answers with a form-encoded query (RFC 6749
 * §4.1.2.1), `error_description=End-User+aborted+the+sign-in`; swagger-ui-dist's
 * oauth2-redirect.js decodes it with decodeURIComponent, which keeps each `+`, so Swagger UI
 * showed the text with them. The line before it rewrites them as `%20` (a `+` that is data
 * arrives as `%2B`), then the unchanged script hands the result to Swagger UI.
 */
export const OAUTH2_REDIRECT_PAGE = `<!doctype html>
<html lang="en-US">
<body>
<script>
history.replaceState(null, '', location.pathname + location.search.replace(/\\+/g, '%20') + location.hash);
</script>
<script src="oauth2-redirect.js"></script>
</body>
</html>
`;

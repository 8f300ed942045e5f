// Swagger UI for onemap's /api (vendored from npm swagger-ui-dist; no CDN). The page's own
// script, kept out of the HTML so that no inline script is needed.
window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  tryItOutEnabled: true,
});

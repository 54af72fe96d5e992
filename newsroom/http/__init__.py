"""The site's answers around the views: what each address accepts (methods and sizes), the
content security policy, and the site's own pages (health check, errors)."""

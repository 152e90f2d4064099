"""The secretary's desk: a small web page served by the bot's own process (Starlette and
Jinja2 with HTMX vendored in `static/`, run by uvicorn in PTB's event loop). `app` holds
the routes and the session check, `pages` what each page shows, `server` how it runs
beside the bot. Who may log in and for how long is `bot.services.desk`."""

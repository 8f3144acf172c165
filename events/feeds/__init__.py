"""Calendar feeds: building iCalendar documents (``ics``), their SEQUENCE bookkeeping
(``sequence``), HTTP caching with ETag and 304 (``http``), the feed views and the only
definition of their URLs (``urls``, reversed by name through ``links``)."""

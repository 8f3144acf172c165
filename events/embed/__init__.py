"""The upcoming-events widget that partner sites embed (an iframe), and the admin page
where a partner copies its snippet. The widget is the only page of the site that other
sites may frame."""

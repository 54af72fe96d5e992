"""What keeps abuse out of the public site: who sent a request (the client's address behind
trusted proxies), counts and locks against guessing and flooding, and readers' forms protected
from cross-site posting."""

vcl 4.1;
# Varnish in front of Newsroom's app servers: one copy of each reader's page for everyone,
# dropped by tag (xkey) when the app purges what changed (CACHE_PURGE_URLS).
#
# Needs Debian's varnish and varnish-modules (xkey). `make serve-varnish` runs it on one
# machine; in production, list the app servers below (or use a director) and the addresses
# the app purges from in `purgers`.

import std;
import xkey;

backend app {
    .host = "127.0.0.1";
    .port = "8001";  # `make serve-varnish` and the tests write the app's port here
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

# Who may purge: the app servers.
acl purgers {
    "127.0.0.1";
    "::1";
}

# --- Request bodies --------------------------------------------------------------------------
# A body is read here whole before anything reaches the app, so a client sending slowly holds
# one of Varnish's threads, never an app worker (Varnish drops one silent for timeout_idle; it
# has no deadline for the whole body). One larger than the app takes gets a 413, unread (sent
# in chunks, the connection is closed instead). The limits are the app's:
# DATA_UPLOAD_MAX_MEMORY_SIZE (2 MB) for readers' forms, and under ADMIN_URL a picture
# (IMAGE_MAX_UPLOAD_BYTES, 20 MB) besides: change them together. Runs before the vcl_recv below.
sub vcl_recv {
    if (!req.http.Content-Length && !req.http.Transfer-Encoding) {
        # No body.
    } elsif (req.url ~ "^/admin/") {
        if (std.integer(req.http.Content-Length, 0) > 23068672 || !std.cache_req_body(22MB)) {
            return (synth(413, "Content Too Large"));
        }
    } elsif (std.integer(req.http.Content-Length, 0) > 2097152 || !std.cache_req_body(2MB)) {
        return (synth(413, "Content Too Large"));
    }
}
# --- end of request bodies ---------------------------------------------------------------------

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey) {
            return (synth(400, "Name the tags to purge in the xkey header"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey);
        return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
    }
    # One id for this request in Varnish's log and the app's (which trusts it with
    # NUM_PROXIES set); whatever a client sent is replaced.
    set req.http.X-Request-ID = server.identity + "-" + req.xid;
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The desk (ADMIN_URL: change it here too), previews and readers' forms are answered by the
    # app, cookies and all.
    if (req.url ~ "^/(admin|preview|replies)/") {
        return (pass);
    }
    # A reader's page is the same for everyone: no cookie reaches it, whatever it is called.
    unset req.http.Cookie;
    # One address for one page: parameters in one order, no empty ones, none of the trackers'.
    # The app answers any parameter its page does not read with a redirect, never stored.
    if (req.url ~ "\?") {
        set req.url = regsuball(req.url, "(?<=[?&])(utm_[a-z]+|fbclid|gclid|mc_[a-z]+)=[^&]*(&|$)", "");
        set req.url = std.querysort(req.url);
        set req.url = regsub(req.url, "[?&]+$", "");
    }
    return (hash);
}

sub vcl_backend_response {
    # Keep only what the app tagged (its readers' pages) and static files: an error, a
    # redirect or a page the app did not vouch for is asked for again next time.
    if (!beresp.http.xkey && bereq.url !~ "^/static/") {
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    # A page whose time is up may be shown a few seconds more while it is fetched again.
    set beresp.grace = 10s;
    # Falls through to Varnish's built-in rules: Set-Cookie, private or no-store are never kept.
}

sub vcl_deliver {
    # The tags are for this cache alone.
    unset resp.http.xkey;
    # This request's id, not the one the stored page was made under.
    set resp.http.X-Request-ID = req.http.X-Request-ID;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}

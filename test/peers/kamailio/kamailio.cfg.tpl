#!KAMAILIO
#
# Test registrar for the SIP adapter's registrar mode (kamailio 5.6, Debian). test/peers/kamailio.ts fills
# in the placeholders (upper-case names in double braces). Everything lives in memory: usrloc without a
# database, one fixed test user whose password the digest check takes as a plain string. Calls for a
# registered user are relayed to its contact with record-routing, so ACK and BYE come back through here.
#
# alias: while listen names this exact address and port, kamailio already takes its own Record-Route as
# "myself" (checked: the call test passes without it); the alias keeps that so if listen changes. It must
# carry the port: an alias without one covers port 5060 only, and in-dialog ACK/BYE then loop here to 483.

debug={{DEBUG}}
log_stderror=yes
log_prefix="{mt:$rm} "
children=2
disable_tcp=yes
auto_aliases=no
dns=no
rev_dns=no
use_dns_cache=off

listen=udp:{{ADDRESS}}:{{PORT}}
alias={{ADDRESS}}:{{PORT}}

loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "tmx.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "auth.so"
loadmodule "ctl.so"

# kamcmd talks binrpc over loopback TCP (no socket file, so the runtime dir needs no write access).
modparam("ctl", "binrpc", "tcp:127.0.0.1:{{CTL_PORT}}")
modparam("usrloc", "db_mode", 0)
modparam("rr", "append_fromtag", 1)
modparam("registrar", "min_expires", 30)
modparam("auth", "nonce_expire", 300)

request_route {
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}
	if (!sanity_check("17895", "7")) {
		xlog("L_WARN", "malformed request from $si:$sp\n");
		exit;
	}

	if (has_totag()) {
		route(WITHINDLG);
		exit;
	}

	if (is_method("CANCEL")) {
		if (t_check_trans()) t_relay();
		exit;
	}
	# Absorb retransmissions of requests already being handled.
	if (!is_method("ACK") && t_precheck_trans()) {
		t_check_trans();
		exit;
	}
	t_check_trans();

	if (is_method("OPTIONS") && uri == myself && $rU == $null) {
		sl_send_reply("200", "OK");
		exit;
	}

	if (is_method("REGISTER")) {
		route(REGISTRAR);
		exit;
	}

	# No preloaded routes: this proxy is the first and only hop.
	if (loose_route()) {
		sl_send_reply("403", "Preloaded Route Denied");
		exit;
	}

	if (is_method("INVITE")) record_route();

	if (uri != myself) {
		sl_send_reply("403", "Not Relaying");
		exit;
	}
	if (!lookup("location")) {
		xlog("L_INFO", "no contact for $rU\n");
		sl_send_reply("404", "Not Found");
		exit;
	}
	route(RELAY);
}

route[RELAY] {
	if (!t_relay()) sl_reply_error();
	exit;
}

route[WITHINDLG] {
	if (loose_route()) {
		route(RELAY);
	}
	if (is_method("ACK")) {
		# ACK for a negative reply: absorbed by tm; otherwise nowhere to go.
		if (t_check_trans()) t_relay();
		exit;
	}
	sl_send_reply("404", "Not Here");
	exit;
}

route[REGISTRAR] {
	# Digest auth (RFC 3261 22.4) against the one test user; the password is the plain string below.
	if (!pv_www_authenticate("$td", "{{PASSWORD}}", "0")) {
		www_challenge("$td", "0");
		exit;
	}
	if ($au != "{{USER}}" || $tU != "{{USER}}") {
		sl_send_reply("403", "Forbidden");
		exit;
	}
	consume_credentials();
	if (!save("location")) sl_reply_error();
	exit;
}

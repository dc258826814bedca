// The upstream of node-xmpp-bosh in the load benchmark (cm-bench, boshcm.bench.load.target.NodeXmppBosh).
//
// node-xmpp-bosh finds the XMPP server of a session with its lookup service: a DNS SRV lookup of
// _xmpp-client._tcp.<to> (or, given a route attribute, <to>:5222). The benchmark's Prosody listens
// on a free loopback port under a made-up domain, so the generated bosh.conf.js passes
// `lookup_service: fixed(host, port)`: a lookup service with the same interface
// (src/lookup-service.js: constructed with (port, stream), connect(socket), then a 'connect' or an
// 'error' event) that connects every stream to that one address. node-xmpp-bosh's own code is not
// changed; lookup_service is the option it reads for embedders (src/xmpp-proxy-connector.js).
'use strict';

var events = require('events');
var util = require('util');

exports.fixed = function (host, port) {
	function FixedUpstream(defaultPort, stream) {
		events.EventEmitter.call(this);
	}
	util.inherits(FixedUpstream, events.EventEmitter);

	FixedUpstream.prototype.connect = function (socket) {
		var self = this;
		function onError() {
			self.emit('error', 'remote-connection-failed');
		}
		socket.once('error', onError);
		socket.connect(port, host, function () {
			socket.removeListener('error', onError);
			self.emit('connect');
		});
	};
	return FixedUpstream;
};

"""DNS resolver that refuses, at connect time, every host whose answers include a refused address (SSRF guard)."""
from __future__ import annotations

import logging
import weakref
from collections import OrderedDict
from typing import Any, Sequence

from twisted.internet._resolver import ComplexResolverSimplifier, GAIResolver
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.interfaces import IHostnameResolver, IHostResolution, IResolutionReceiver
from zope.interface import implementer, provider

from corpus.netguard import DNS, address_refusal, host_refusal

logger = logging.getLogger(__name__)

# The reactor has one resolver per process, but each crawler has its own SPAMCORPUS_ALLOW_PRIVATE_ADDRESSES
# (a job sets it at spider priority, after the resolver was built from the process settings). Crawlers
# register their policy here (the SSRF middleware does it); with several, the strictest one wins.
_crawler_policies: "weakref.WeakKeyDictionary[Any, bool]" = weakref.WeakKeyDictionary()


def register_crawler_policy(crawler: Any, *, allow_loopback: bool) -> None:
    _crawler_policies[crawler] = bool(allow_loopback)


def unregister_crawler_policy(crawler: Any) -> None:
    _crawler_policies.pop(crawler, None)


def host_key(host: str) -> str:
    """One spelling per host (IDNA, lowercase, no trailing dot), so refusals recorded by the resolver
    are found by the middleware whichever form Twisted or the URL used."""
    host = host.strip().rstrip(".").lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:  # Twisted's own resolvers do not support cancelling either
        raise NotImplementedError


@provider(IResolutionReceiver)
class _Collector:
    """Collects the inner resolver's answers and hands them to a callback once resolution completes."""

    def __init__(self, done) -> None:
        self.addresses: list[Any] = []
        self._done = done

    def resolutionBegan(self, resolution: IHostResolution) -> None:
        pass

    def addressResolved(self, address: Any) -> None:
        self.addresses.append(address)

    def resolutionComplete(self) -> None:
        done, self._done = self._done, None
        if done is not None:
            done(self.addresses)


def _with_port(address: Any, port: int) -> Any:
    if isinstance(address, IPv6Address):
        return IPv6Address(address.type, address.host, port, address.flowInfo, address.scopeID)
    return IPv4Address(address.type, address.host, port)


@implementer(IHostnameResolver)
class GuardedResolver:
    """Resolves names (IPv4 and IPv6, through getaddrinfo) and delivers no address at all when any answer
    is refused by corpus.netguard: the connection then fails with a DNS lookup error, and the host is
    remembered so the SSRF middleware counts the drop as `ssrf_dns` and refuses later requests to it.

    Twisted's HostnameEndpoint passes IP literals (127.1, 0x7f000001...) through the resolver too, and
    getaddrinfo turns them into addresses, so every connection Scrapy's HTTP handlers make is checked here.
    """

    def __init__(self, reactor: Any, *, allow_loopback: bool = False, cache_size: int = 10000,
                 timeout: float = 60.0, inner: IHostnameResolver | None = None) -> None:
        self.reactor = reactor
        self.default_allow_loopback = allow_loopback
        self.cache_size = cache_size
        self.timeout = timeout
        self.inner = inner if inner is not None else GAIResolver(reactor, reactor.getThreadPool)
        self._cache: OrderedDict[str, list[Any]] = OrderedDict()  # raw answers; the policy is applied per use
        self._refused: OrderedDict[str, str] = OrderedDict()  # host key -> "dns" or a literal's reason

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> "GuardedResolver":
        # Scrapy passes the CrawlerProcess here: only its settings are available
        settings = crawler.settings
        cache = settings.getint("DNSCACHE_SIZE", 10000) if settings.getbool("DNSCACHE_ENABLED", True) else 0
        return cls(reactor, allow_loopback=settings.getbool("SPAMCORPUS_ALLOW_PRIVATE_ADDRESSES"),
                   cache_size=cache, timeout=settings.getfloat("DNS_TIMEOUT", 60.0))

    def install_on_reactor(self) -> None:
        # the simple resolver (reactor.resolve, connectTCP with a name) goes through this one too;
        # installResolver resets the name resolver, so it must come first
        self.reactor.installResolver(ComplexResolverSimplifier(self))
        self.reactor.installNameResolver(self)

    # -- policy ------------------------------------------------------------------------------------
    @property
    def allow_loopback(self) -> bool:
        votes = list(_crawler_policies.values())
        return all(votes) if votes else self.default_allow_loopback

    def refusal_for(self, host: str) -> str | None:
        """Why an earlier resolution of `host` was refused, or None."""
        return self._refused.get(host_key(host))

    def _remember(self, store: OrderedDict, key: str, value: Any, limit: int) -> None:
        store[key] = value
        store.move_to_end(key)
        while len(store) > max(limit, 0):
            store.popitem(last=False)

    # -- IHostnameResolver -------------------------------------------------------------------------
    def resolveHostName(self, resolutionReceiver: IResolutionReceiver, hostName: str, portNumber: int = 0,
                        addressTypes: Sequence[type] | None = None,
                        transportSemantics: str = "TCP") -> IHostResolution:
        resolution = _Resolution(hostName)
        resolutionReceiver.resolutionBegan(resolution)
        key = host_key(hostName)
        allow = self.allow_loopback
        literal_reason = host_refusal(hostName, allow_loopback=allow)
        if literal_reason is not None:
            self._refuse(key, literal_reason, hostName, "address literal")
            resolutionReceiver.resolutionComplete()
            return resolution
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            self._deliver(resolutionReceiver, key, hostName, cached, portNumber, allow)
            return resolution

        timer = None

        def done(addresses: list[Any]) -> None:
            if timer is not None and timer.active():
                timer.cancel()
            if addresses and self.cache_size:
                self._remember(self._cache, key, [_with_port(a, 0) for a in addresses], self.cache_size)
            self._deliver(resolutionReceiver, key, hostName, addresses, portNumber, allow)

        collector = _Collector(done)
        if self.timeout > 0:
            timer = self.reactor.callLater(self.timeout, collector.resolutionComplete)
        self.inner.resolveHostName(collector, hostName, 0, addressTypes, transportSemantics)
        return resolution

    def _deliver(self, receiver: IResolutionReceiver, key: str, host: str, addresses: list[Any], port: int,
                 allow: bool) -> None:
        for address in addresses:
            reason = address_refusal(address.host, allow_loopback=allow)
            if reason is not None:
                # one refused answer refuses the host: mixed answers are how DNS rebinding works
                self._refuse(key, DNS, host, f"resolves to {address.host} ({reason})")
                receiver.resolutionComplete()
                return
        self._refused.pop(key, None)
        for address in addresses:
            receiver.addressResolved(_with_port(address, port))
        receiver.resolutionComplete()

    def _refuse(self, key: str, reason: str, host: str, why: str) -> None:
        self._remember(self._refused, key, reason, 10000)
        logger.info("SSRF guard refused %s: %s", host, why)

"""English sentence banks of the small operations (see text_ops.py): a refund-hotline and a crypto-recovery seller."""
from __future__ import annotations

OPS_EN = {
    "refund": {
        "products": ["airline ticket refund", "flight cancellation refund", "hotel booking refund", "baggage claim",
                     "travel insurance claim"],
        "brands": ["SkyJett", "AirNova", "Deltta", "Emirrates", "BookingHubb"],
        "actions": ["claim", "file", "track", "escalate"],
        "regions": ["the US", "Canada", "the UK", "Australia"],
        "hooks": ["Direct Helpline Inside", "Get Your Money Back Fast", "{year} Refund Hotline", "No Waiting on Hold"],
        "titles": {
            "howto": "{brand} {product}: How to {action} It by Phone ({hook})",
            "faq": "{product} Help: {n} Things to Know Before You Call ({year})",
        },
        "heads": {
            "concept": "Who handles a {product}?", "ways": "Fastest ways to {action} it", "tips": "Before you dial",
            "summary": "Bottom line", "why": "Why call instead of writing", "compare": "Phone versus online form",
            "faq": "Common questions", "steps": "What happens on the call",
        },
        "intro": [
            "Waiting weeks for a {product} from {brand}? Online forms go nowhere and the chat bot goes in circles. The quickest way to {action} it is a live agent on the phone, and this page has the line.",
            "Travelers lose money every day because they never {action} their {product} in time. Here is how the process works at {brand} and the number that gets you to a real person.",
        ],
        "concept": [
            "Every {product} is handled by the customer care team of {brand}, not by the travel agent who sold the ticket. Calling them directly saves {days} days on average.",
            "Under the rules in {region}, most {product} cases must be opened within a fixed window. Miss it and the airline keeps your money.",
        ],
        "steps": [
            ("Dial the refund hotline", "Call the toll free line below and choose the refunds option; the wait is usually under five minutes."),
            ("Give your booking code", "The agent needs the six-letter booking code and the passenger name exactly as printed on the ticket."),
            ("Confirm the amount", "The agent reads back the fare, taxes and fees so you know how much comes back."),
            ("Approve the fee", "Some {product} requests carry a small processing fee of {price} USD, paid by card during the call."),
            ("Note the case number", "Keep the case number the agent gives you; you need it to {action} the request later."),
            ("Watch your card statement", "The money shows up within {days} business days after the call."),
        ],
        "tips": [
            "Call early in the morning in {region}; the lines are quieter.",
            "Have your booking confirmation open before you dial.",
            "Stay on the line until you have a case number.",
            "Ask for the refund on the same card you paid with.",
        ],
        "faq": [
            ("Is this the {brand} customer service line?", "It is the live refund helpline, staffed around the clock."),
            ("How long does a {product} take?", "Once the agent files it, expect the money within {days} business days."),
            ("Can I {action} it online instead?", "You can try, but online requests often sit for weeks. The phone is faster."),
        ],
        "closing": [
            "Do not let {brand} keep your money. Call, get a case number and {action} your {product} today.",
            "Bookmark this page: the helpline works for every {brand} route.",
        ],
        "cta": [
            "{brand} refund helpline, 24/7: {contact}",
            "Speak to a live agent about your {product}: {contact}",
            "Call now to {action} your {product}: {contact}",
        ],
    },
    "recovery": {
        "products": ["lost USDT", "stolen Bitcoin", "frozen exchange funds", "stuck crypto withdrawals", "drained wallet funds"],
        "brands": ["ChainTrace Labs", "RecoverEdge", "BlockRescue", "LedgerSafe Recovery", "CoinRetrieve"],
        "actions": ["recover", "trace", "unlock", "get back"],
        "regions": ["Singapore", "Dubai", "Switzerland", "Estonia"],
        "hooks": ["Funds Returned in {days} Days", "A True Story", "No Upfront Fee", "{year} Method"],
        "titles": {
            "story": "How I Got Back My {product} After Losing Hope ({hook})",
            "howto": "Crypto Recovery Explained: How Experts {action} {product} ({hook})",
        },
        "heads": {
            "concept": "Can {product} really come back?", "ways": "How the process works", "tips": "Protect yourself next time",
            "summary": "Final thoughts", "why": "Why {brand}", "compare": "Options compared", "faq": "Questions we hear",
            "steps": "The process",
        },
        "intro": [
            "Last spring I moved most of my savings into what looked like a trading platform and watched the balance grow, until the withdrawal button stopped working. If you are staring at {product} right now, read this before you give up.",
            "Every week people write to {brand} about {product}. Most believe the coins are gone forever. Blockchain transfers are public, though, and with the right tools the trail can be followed.",
        ],
        "concept": [
            "Every transfer of Bitcoin or USDT leaves a permanent record on the blockchain. Specialists at {brand} follow that record to the exchange where the coins landed and ask the exchange to freeze them.",
            "Exchanges in {region} answer formal requests within about {days} days. Once the funds are frozen, a release to the rightful owner can be arranged.",
        ],
        "steps": [
            ("Send the transaction hashes", "Collect the hash of every transfer you made and the wallet addresses you paid into."),
            ("Free case review", "The {brand} analysts map where the coins went and tell you the chance to {action} them."),
            ("Sign the service agreement", "A short agreement sets the fee: {price} USD or a percentage of what comes back."),
            ("Exchange freeze request", "The team files the request with the receiving exchange and keeps you updated by email."),
            ("Release of funds", "When the exchange approves, the coins go back to a fresh wallet in your name."),
            ("Secure your seed phrase", "Move everything to a new wallet and never share the seed phrase with anyone."),
        ],
        "tips": [
            "Write down every address and transfer date while you still remember them.",
            "Never pay anyone who promises results in a few hours.",
            "Keep the seed phrase of your new wallet offline.",
            "Act fast: the longer you wait, the harder it is to {action} the funds.",
        ],
        "faq": [
            ("Can {product} really come back?", "In many cases, yes, as long as the coins reached a regulated exchange."),
            ("How long does it take?", "Most cases close within {days} days."),
            ("Do you charge upfront?", "The first review is free; the fee is agreed before any work starts."),
        ],
        "closing": [
            "I got most of my coins back within a month. If you are dealing with {product}, talk to {brand} before you write the money off.",
            "Losing crypto is not always final. Start the review today and {action} what is yours.",
        ],
        "cta": [
            "Free case review for {product}: contact {contact}",
            "Talk to a {brand} recovery specialist: {contact}",
            "Start your recovery today, reach us at {contact}",
        ],
    },
}

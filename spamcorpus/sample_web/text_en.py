"""English spam vocabulary per family (same shape as the Chinese one)."""
from __future__ import annotations

EN = {
    "telecom_sim": {
        "products": ["Hong Kong eSIM", "UK physical SIM", "US non-VoIP number", "Philippines prepaid SIM", "travel data eSIM", "virtual number"],
        "brands": ["RoamNest", "GlobeLink", "SimHarbor", "AirPort Mobile", "NomadCell"],
        "actions": ["top up", "activate", "renew", "keep alive"],
        "regions": ["Hong Kong", "the UK", "the US", "the Philippines", "Thailand"],
        "hooks": ["Step-by-Step Guide", "Working Method {year}", "Never Lose Your Number", "Beginner Friendly"],
        "intro": [
            "A {product} is the easiest way to receive verification codes from apps that refuse local numbers. The catch is that the number expires if you forget to {action} it. This guide walks you through every option we have tested in {year}.",
            "We get the same question every week: how do I {action} my {product} from abroad? The short answer is that it takes about ten minutes once you know where to click. Here is the long answer.",
        ],
        "concept": [
            "A {product} is issued by a carrier in {region} and works in any unlocked phone. It receives SMS while roaming, so you can keep accounts registered to it even if you never travel there.",
            "Carriers recycle inactive numbers after about {days} days. If your accounts depend on the number, a regular {action} is the only way to keep them safe.",
        ],
        "steps": [
            ("Use the carrier website", "Log in with your number, open the recharge page, pick a plan and pay by card. Credit normally arrives within minutes."),
            ("Use the {brand} app", "Install the official app, add your number and tap Recharge. The app also shows your balance and expiry date."),
            ("Buy a voucher", "Vouchers are sold in convenience stores in {region}. Send the code by SMS to the short number printed on the card."),
            ("Ask an agent", "If you have no foreign card, an agent can {action} the number for you for about {price} USD. Send the number, pay, and you are done."),
            ("Turn on auto-renewal", "Link a card in the account settings and the plan renews itself every cycle, so you never miss a date."),
            ("Check that it worked", "Send the balance query code; if the expiry date moved forward by {days} days, the {action} succeeded."),
        ],
        "tips": [
            "Double-check the number before you pay; payments to a wrong number are rarely refunded.",
            "Renew a week early. Some carriers need a day to apply the credit.",
            "Never share your PUK code with strangers.",
            "Keep screenshots of every payment until the credit shows up.",
        ],
        "faq": [
            ("How often do I need to {action} a {product}?", "Most plans run for {days} days; {action} before the end of each cycle."),
            ("Can I use it outside {region}?", "Yes. Enable roaming and SMS will arrive anywhere."),
            ("Can you do it for me?", "Yes, we handle activation and renewal for customers worldwide."),
        ],
        "closing": [
            "That is everything you need to {action} a {product}. Pick the method that suits you and set a reminder.",
            "If all of this sounds like too much work, let us handle it. It costs less than losing your accounts.",
        ],
        "cta": [
            "Need a {product} or help to {action} one? Message {contact}, we reply 24/7.",
            "Bulk {product} orders at wholesale prices: contact {contact}.",
        ],
    },
    "crypto_finance": {
        "products": ["USDT", "Bitcoin", "copy trading", "AI trading bot", "OTC desk", "staking pool"],
        "brands": ["CoinVista", "HashRiver", "NovaYield", "BlockHarbor", "ApexMint"],
        "actions": ["buy", "cash out", "invest in", "swap"],
        "regions": ["Singapore", "Dubai", "Hong Kong", "offshore"],
        "hooks": ["Guaranteed {days}% Daily", "Beginner Guide {year}", "No Bank Freeze", "Safe Method"],
        "intro": [
            "Everyone wants to {action} {product}, but most beginners lose money on fees and frozen bank accounts. Here is the method our clients have used since {year}.",
            "{brand} has helped thousands of people {action} {product} without the headaches of big exchanges. This article explains how it works.",
        ],
        "concept": [
            "{product} lets you move value across borders in minutes. With the right partner you earn while you sleep.",
            "{brand} is a licensed {region} provider offering {product} with daily payouts and full custody insurance.",
        ],
        "steps": [
            ("Create an account", "Sign up with your e-mail and verify your identity in two minutes."),
            ("Fund your wallet", "Deposit from {price} USD by bank transfer or card."),
            ("Choose a plan", "Pick a plan; higher tiers unlock higher daily returns."),
            ("Let the bot work", "Our strategy trades around the clock and credits profit every day."),
            ("Withdraw anytime", "Request a withdrawal and receive funds within {days} hours."),
        ],
        "tips": [
            "Never share your seed phrase.",
            "Split large transfers into smaller ones.",
            "Only deal with verified managers.",
            "Reinvest profits to compound your returns.",
        ],
        "faq": [
            ("Is it safe?", "Funds are held in insured custody and we have never lost a client deposit."),
            ("What is the minimum?", "{price} USD."),
            ("How much can I earn?", "Clients average {days}% per day on the premium plan."),
        ],
        "closing": [
            "Start small, watch the profits arrive, then scale up. The best time to begin was yesterday.",
            "That is how you {action} {product} the smart way.",
        ],
        "cta": [
            "Talk to a {brand} account manager: {contact}.",
            "Join our private signals group: {contact}.",
        ],
    },
    "support_scam": {
        "products": ["refund", "account recovery", "subscription cancellation", "printer setup", "antivirus renewal"],
        "brands": ["PayPall", "Amazoon", "Microsift", "Nortan", "Coinbace"],
        "actions": ["process", "request", "fix", "speed up"],
        "regions": ["the US", "Canada", "the UK"],
        "hooks": ["Official Helpline", "Talk to a Live Agent", "24/7 Support Number {year}", "Fast Fix"],
        "intro": [
            "Stuck with a {product} problem and can't reach a human at {brand}? You are not alone. Here is the direct number and the steps that actually work.",
            "{brand} hides its phone support behind chatbots. We collected the live-agent line and a quick guide to {action} your {product} today.",
        ],
        "concept": [
            "Most {product} cases at {brand} need a human agent. The online forms often take {days} days to get a reply.",
            "Calling is the fastest way to {action} a {product}: agents can see your case and act immediately.",
        ],
        "steps": [
            ("Call the helpline", "Dial the number below and say 'agent' to skip the menu."),
            ("Verify your account", "Have your order number and account e-mail ready."),
            ("Allow remote access", "The agent may ask you to install a remote support tool to check your computer."),
            ("Follow the agent", "Stay on the line while the agent completes the {product}."),
            ("Confirm", "You will receive a confirmation within {days} business days."),
        ],
        "tips": [
            "Call during business hours in {region} for the shortest wait.",
            "Keep your order number ready.",
            "Do not hang up while the agent works.",
        ],
        "faq": [
            ("Is this the official {brand} number?", "This is the live support line listed below."),
            ("How long does a {product} take?", "Usually {days} business days."),
        ],
        "closing": [
            "Save this page so you never have to search for the {brand} number again.",
            "That is the fastest way to get your {product} sorted.",
        ],
        "cta": [
            "{brand} {product} helpline: {contact}",
            "Talk to a live agent now: {contact}",
        ],
    },
    "account_trade": {
        "products": ["aged Telegram accounts", "verified WhatsApp accounts", "aged Gmail accounts", "Facebook ad accounts", "Apple IDs (US)"],
        "brands": ["AccStore", "AgedHub", "BulkAccs", "VerifiedPlus"],
        "actions": ["buy", "order", "bulk buy", "unlock"],
        "regions": ["US", "UK", "EU", "Asia"],
        "hooks": ["Instant Delivery", "Replacement Warranty", "Best Price {year}", "2FA Included"],
        "intro": [
            "Fresh accounts get banned within days. Aged {product} come with history and trust, which is why growth teams {action} them instead of registering.",
            "Looking to {action} {product}? Here is what to check before you pay, and where we source ours.",
        ],
        "concept": [
            "Our {product} are registered manually on {region} IPs and aged for at least a year.",
            "Each account ships with login, password and recovery e-mail, ready to use.",
        ],
        "steps": [
            ("Pick a package", "Single accounts from {price} USD; bulk packs are cheaper."),
            ("Pay", "We accept USDT and cards."),
            ("Receive credentials", "Delivery is automatic, usually within minutes."),
            ("Secure the account", "Change the password and recovery e-mail on a clean {region} connection."),
            ("Warm up", "Behave like a normal user for the first {days} days."),
        ],
        "tips": [
            "Use one device per account.",
            "Avoid mass messaging in the first week.",
            "Report problems within {days} hours for a free replacement.",
        ],
        "faq": [
            ("Will the accounts get banned?", "Aged accounts are far more stable than new ones."),
            ("Do you offer replacements?", "Yes, within {days} hours."),
        ],
        "closing": [
            "Buying from a reliable vendor is half the job. Treat your accounts well and they will last.",
            "That is our checklist for {product}.",
        ],
        "cta": [
            "Order {product}: {contact}",
            "Wholesale and reseller deals: {contact}",
        ],
    },
    "loans": {
        "products": ["instant payday loan", "bad credit loan", "no-check loan", "emergency cash advance"],
        "brands": ["QuickCash", "LendNow", "CashBridge", "EasyFund"],
        "actions": ["apply for", "get", "qualify for"],
        "regions": ["the US", "the Philippines", "Malaysia"],
        "hooks": ["Approval in {days} Minutes", "No Credit Check {year}", "Same-Day Cash"],
        "intro": [
            "Need money today? Banks say no, but {brand} says yes. Here is how to {action} an {product} even with bad credit.",
            "An {product} can bridge the gap until payday. This guide explains how to {action} one in {region} in minutes.",
        ],
        "concept": [
            "An {product} is a short unsecured loan from {price} USD, decided in minutes without a credit check.",
            "{brand} works with many lenders at once, so one application reaches all of them.",
        ],
        "steps": [
            ("Fill in the form", "Name, ID and a bank account are all you need."),
            ("Get a decision", "Most applicants hear back within {days} minutes."),
            ("Pay the processing fee", "A small refundable fee unlocks the transfer."),
            ("Receive the money", "Funds arrive in your account the same day."),
        ],
        "tips": [
            "Borrow only what you can repay.",
            "Keep your phone on during the review.",
            "Repay on time to raise your limit.",
        ],
        "faq": [
            ("Can I get a loan with bad credit?", "Yes, credit history is not checked."),
            ("How fast is it?", "Within {days} minutes in most cases."),
        ],
        "closing": [
            "That is how to {action} an {product} without the paperwork.",
            "Money problems are temporary; act now.",
        ],
        "cta": [
            "Apply through our agent: {contact}",
            "Questions? Message {contact}",
        ],
    },
}

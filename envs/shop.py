"""A shop in the style of WebShop: a generated catalogue, BM25 search, WebShop's reward.

The catalogue (5,000 products by default, deterministic by seed) has categories,
product types, attributes, options (colour, size) and prices. An instruction
names a product type, target attributes, target options and a price cap:

    i need a waterproof, lightweight rain jacket, with color: navy and size: m,
    and price lower than 60.00 dollars

Pages and actions (``info["admissible"]`` lists them):

* search page: ``search[QUERY]``
* results page (10 per page): ``click[PRODUCT_ID]``, ``click[next >]``,
  ``click[< prev]``, ``click[back to search]``
* product page: ``click[OPTION VALUE]``, ``click[description]``,
  ``click[features]``, ``click[buy now]``, ``click[< prev]``,
  ``click[back to search]``

Search is BM25 (``bm25s``) over title, type, attributes and description. Buying
ends the episode with WebShop's reward: ``r_type * (matched attributes + matched
options + [price <= cap]) / (attributes + options + 1)``, where ``r_type`` is 1 for
the right product type, 0.5 for the right category, 0.1 otherwise; success when
the reward is 1.

**Recurring shopper** (``shopper=N``): one shopper's instructions keep the same
size and colour preferences; after the first episode they say "in my usual
size and colour" instead of naming them, so an agent that remembers
preferences does better.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from agentmem.errors import InvalidArgumentError
from envs.base import INVALID_ACTION, TextEnv

__all__ = ["ShopEnv", "Product", "catalogue", "webshop_reward"]

# category -> product types, attribute vocabulary, option kinds, price range
_CATEGORIES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[int, int]]] = {
    "clothing": (("rain jacket", "t-shirt", "hoodie", "jeans", "dress", "sweater", "shorts"),
                 ("waterproof", "lightweight", "cotton", "slim fit", "machine washable",
                  "breathable", "long sleeve", "stretch", "organic", "quick dry"),
                 ("color", "size"), (12, 120)),
    "shoes": (("running shoes", "sandals", "boots", "sneakers", "slippers"),
              ("non slip", "waterproof", "memory foam", "lightweight", "leather", "wide width",
               "arch support", "breathable"), ("color", "size"), (20, 150)),
    "beauty": (("shampoo", "face cream", "lip balm", "sunscreen", "body lotion", "hair oil"),
               ("paraben free", "vegan", "sensitive skin", "long lasting", "fragrance free",
                "natural ingredients", "travel size", "cruelty free"), ("scent", "size"),
               (5, 60)),
    "home": (("throw pillow", "blanket", "curtains", "bath towel", "bed sheets", "rug"),
             ("easy clean", "machine washable", "soft", "blackout", "non slip", "hypoallergenic",
              "quick dry", "cotton"), ("color", "size"), (10, 140)),
    "electronics": (("phone case", "headphones", "charger", "usb cable", "power bank",
                     "bluetooth speaker"),
                    ("fast charging", "wireless", "noise cancelling", "water resistant",
                     "long battery life", "shockproof", "compact", "high definition"),
                    ("color", "model"), (8, 200)),
    "grocery": (("coffee beans", "green tea", "protein bars", "granola", "olive oil",
                 "dark chocolate"),
                ("gluten free", "organic", "low sugar", "non gmo", "keto friendly", "vegan",
                 "high protein", "fair trade"), ("flavor", "size"), (4, 45)),
}
_OPTIONS = {
    "color": ("black", "white", "navy", "red", "green", "grey", "beige", "pink", "blue", "brown"),
    "size": ("xs", "s", "m", "l", "xl", "xxl"),
    "scent": ("lavender", "citrus", "unscented", "vanilla", "coconut", "mint"),
    "model": ("iphone 15", "iphone 14", "galaxy s24", "pixel 8", "usb-c", "lightning"),
    "flavor": ("original", "vanilla", "chocolate", "hazelnut", "mint", "berry"),
}
_BRANDS = ("acme", "northwind", "bluepeak", "vela", "kora", "lumen", "terra", "nimbus", "orbit",
           "sable", "pico", "fenix", "alder", "quill", "rivet")
_PER_PAGE = 10


@dataclass(frozen=True)
class Product:
    id: str
    title: str
    category: str
    ptype: str
    attributes: tuple[str, ...]
    options: dict[str, tuple[str, ...]] = field(hash=False)
    price: float
    description: str


@lru_cache(maxsize=4)
def catalogue(size: int = 5000, seed: int = 0) -> tuple[Product, ...]:
    """The generated catalogue (cached per size and seed)."""
    if size < 100:
        raise InvalidArgumentError(f"the catalogue needs at least 100 products, got {size}")
    rng = random.Random(f"catalogue-{seed}")
    out = []
    cats = list(_CATEGORIES)
    for i in range(size):
        cat = cats[i % len(cats)]
        types, attrs, kinds, (lo, hi) = _CATEGORIES[cat]
        ptype = rng.choice(types)
        chosen = tuple(sorted(rng.sample(attrs, rng.randint(2, 4))))
        options = {k: tuple(sorted(rng.sample(_OPTIONS[k], rng.randint(2, 5)))) for k in kinds}
        price = round(rng.uniform(lo, hi), 2)
        brand = rng.choice(_BRANDS)
        title = f"{brand.title()} {', '.join(chosen[:2])} {ptype}"
        desc = (f"A {ptype} by {brand.title()}: {', '.join(chosen)}. Available in "
                + "; ".join(f"{k} {', '.join(v)}" for k, v in options.items()) + ".")
        out.append(Product(f"B{i:05d}{rng.randrange(16**4):04X}", title, cat, ptype, chosen,
                           options, price, desc))
    return tuple(out)


def webshop_reward(product: Product, chosen: dict[str, str], goal: dict[str, Any]) -> float:
    """WebShop's reward for buying ``product`` with ``chosen`` options under ``goal``."""
    if product.ptype == goal["ptype"]:
        r_type = 1.0
    elif product.category == goal["category"]:
        r_type = 0.5
    else:
        r_type = 0.1
    attrs = sum(a in product.attributes for a in goal["attributes"])
    opts = sum(chosen.get(k) == v for k, v in goal["options"].items())
    price = 1 if product.price <= goal["price"] else 0
    return r_type * (attrs + opts + price) / (len(goal["attributes"]) + len(goal["options"]) + 1)


class _Index:
    """BM25 over the catalogue (one per catalogue)."""

    def __init__(self, products: tuple[Product, ...]):
        import bm25s

        self.products = products
        corpus = [f"{p.title} {p.ptype} {p.category} {' '.join(p.attributes)} {p.description}"
                  for p in products]
        self.retriever = bm25s.BM25()
        self.retriever.index(bm25s.tokenize(corpus, stopwords="en", show_progress=False),
                             show_progress=False)

    def search(self, query: str, k: int = 50) -> list[Product]:
        import bm25s

        tokens = bm25s.tokenize([query], stopwords="en", show_progress=False)
        if not tokens.vocab:
            return []
        docs, scores = self.retriever.retrieve(tokens, k=min(k, len(self.products)),
                                               show_progress=False)
        return [self.products[int(d)] for d, s in zip(docs[0], scores[0], strict=True) if s > 0]


@lru_cache(maxsize=4)
def _index(size: int, seed: int) -> _Index:
    return _Index(catalogue(size, seed))


class ShopEnv(TextEnv):
    """WebShop-style shopping episodes.

    Args:
        size: products in the catalogue (at least 5,000 by default).
        catalogue_seed: which generated catalogue.
        shopper: a recurring shopper's id (consistent size/colour preferences), or None.
        max_steps: the step limit.
    """

    name = "shop"

    def __init__(self, *, size: int = 5000, catalogue_seed: int = 0, shopper: int | None = None,
                 max_steps: int = 15):
        super().__init__(max_steps)
        self.size, self.catalogue_seed, self.shopper = size, catalogue_seed, shopper
        self.products = catalogue(size, catalogue_seed)
        self.by_id = {p.id: p for p in self.products}
        self.goal: dict[str, Any] = {}
        self.page = "search"
        self.results: list[Product] = []
        self.result_page = 0
        self.product: Product | None = None
        self.chosen: dict[str, str] = {}
        self._reached: set[str] = set()
        self.episodes = 0

    def config(self) -> dict[str, Any]:
        return {"size": self.size, "catalogue_seed": self.catalogue_seed, "shopper": self.shopper,
                "max_steps": self.max_steps}

    # -- episode set-up -----------------------------------------------------------------------
    def _reset(self, seed: int) -> str:
        rng = random.Random(f"shop-{self.catalogue_seed}-{self.shopper}-{seed}")
        prefs = None
        if self.shopper is not None:
            prng = random.Random(f"shopper-{self.shopper}")
            prefs = {"color": prng.choice(_OPTIONS["color"]), "size": prng.choice(_OPTIONS["size"])}
            pool = [p for p in self.products if set(prefs) <= set(p.options)
                    and all(prefs[k] in p.options[k] for k in prefs)]
        else:
            pool = list(self.products)
        target = rng.choice(pool)
        attrs = list(rng.sample(target.attributes, min(2, len(target.attributes))))
        options = {k: (prefs[k] if prefs and k in prefs else rng.choice(v))
                   for k, v in target.options.items()}
        price = float(int(target.price * rng.uniform(1.1, 1.6)) + 1)
        self.goal = {"ptype": target.ptype, "category": target.category, "attributes": attrs,
                     "options": options, "price": price, "asin": target.id}
        usual = bool(prefs) and seed > 0  # later episodes of a recurring shopper lean on memory
        said = ", ".join(f"{k}: {v}" for k, v in options.items()
                         if not (usual and k in prefs))
        said = f", with {said}" if said else ""
        if usual:
            said += ", in my usual size and color"
        elif prefs:
            said += f" (I always take size {prefs['size']} in {prefs['color']})"
        self.task = (f"i need {_a(' and '.join(attrs))} {target.ptype}{said}, and price lower "
                     f"than {price:.2f} dollars")
        self.page, self.results, self.result_page = "search", [], 0
        self.product, self.chosen = None, {}
        self._reached: set[str] = set()
        return f"WebShop [SEP] Instruction: [SEP] {self.task} [SEP] Search"

    # -- pages --------------------------------------------------------------------------------
    def admissible_actions(self) -> list[str]:
        if self.page == "search":
            return ["search[...]"]
        if self.page == "results":
            acts = ["click[back to search]"]
            if self.result_page > 0:
                acts.append("click[< prev]")
            if (self.result_page + 1) * _PER_PAGE < len(self.results):
                acts.append("click[next >]")
            return acts + [f"click[{p.id.lower()}]" for p in self._shown()]
        acts = ["click[back to search]", "click[< prev]", "click[description]",
                "click[features]", "click[buy now]"]
        assert self.product is not None
        # An option already chosen is not offered again: clicking it changes nothing, and
        # offered, a trained 135M actor clicked it until the step limit (docs/results.md,
        # "An option already chosen is not offered again").
        return acts + [f"click[{v}]" for k, vs in self.product.options.items() for v in vs
                       if self.chosen.get(k) != v]

    def _shown(self) -> list[Product]:
        start = self.result_page * _PER_PAGE
        return self.results[start:start + _PER_PAGE]

    def _results_page(self) -> str:
        shown = self._shown()
        lines = [f"[SEP] {p.id.lower()} [SEP] {p.title} [SEP] ${p.price:.2f}" for p in shown]
        total = len(self.results)
        head = (f"Instruction: [SEP] {self.task} [SEP] Page {self.result_page + 1} "
                f"(Total results: {total})")
        return " ".join([head, *lines]) if shown else head + " [SEP] No results."

    def _product_page(self) -> str:
        p = self.product
        assert p is not None
        opts = " ".join(f"[SEP] {k} [SEP] " + " [SEP] ".join(v) for k, v in p.options.items())
        chosen = (" [SEP] chosen: " + ", ".join(f"{k}={v}" for k, v in self.chosen.items())
                  if self.chosen else "")
        return (f"Instruction: [SEP] {self.task} [SEP] {p.title} [SEP] Price: ${p.price:.2f} "
                f"{opts}{chosen} [SEP] Rating: N.A. [SEP] Description [SEP] Features "
                f"[SEP] Buy Now")

    def _step(self, action: str) -> tuple[str, float, bool, dict[str, Any]]:
        obs, reward, done, info = self._act(action)
        p, g = self.product, self.goal
        if self.page == "results" and any(x.ptype == g["ptype"] for x in self._shown()):
            self._reached.add("found")
        if p is not None and p.ptype == g["ptype"]:
            self._reached.update({"found", "product"})
            if p.price <= g["price"]:
                self._reached.add("price")
            if all(self.chosen.get(k) == v for k, v in g["options"].items()):
                self._reached.add("options")
        if info.get("won"):
            self._reached.update(self.subgoals())
        return obs, reward, done, info

    def subgoals(self) -> dict[str, bool]:
        """Found (a results page lists the wanted type), product (its page opened), price
        (under the cap), options (the wanted ones chosen there), bought (the task won)."""
        return {n: n in self._reached for n in ("found", "product", "price", "options", "bought")}

    def _act(self, action: str) -> tuple[str, float, bool, dict[str, Any]]:
        m = re.fullmatch(r"(search|click)\[(.*)\]", action.strip(), flags=re.IGNORECASE)
        if not m:
            return INVALID_ACTION, 0.0, False, {"invalid": True}
        verb, arg = m.group(1).lower(), m.group(2).strip().lower()
        if verb == "search":
            if self.page != "search" or not arg:
                return INVALID_ACTION, 0.0, False, {"invalid": True}
            self.results = _index(self.size, self.catalogue_seed).search(arg)
            self.page, self.result_page = "results", 0
            return self._results_page(), 0.0, False, {}
        if arg == "back to search":
            if self.page == "search":
                return INVALID_ACTION, 0.0, False, {"invalid": True}
            self.page, self.product, self.chosen = "search", None, {}
            return f"WebShop [SEP] Instruction: [SEP] {self.task} [SEP] Search", 0.0, False, {}
        if self.page == "results":
            if arg == "next >" and "click[next >]" in self.admissible_actions():
                self.result_page += 1
                return self._results_page(), 0.0, False, {}
            if arg == "< prev" and self.result_page > 0:
                self.result_page -= 1
                return self._results_page(), 0.0, False, {}
            hit = next((p for p in self._shown() if p.id.lower() == arg), None)
            if hit is None:  # an unknown or not-shown product id
                return INVALID_ACTION, 0.0, False, {"invalid": True}
            self.page, self.product, self.chosen = "product", hit, {}
            return self._product_page(), 0.0, False, {}
        if self.page == "product":
            p = self.product
            assert p is not None
            if arg == "< prev":
                self.page, self.product, self.chosen = "results", None, {}
                return self._results_page(), 0.0, False, {}
            if arg == "description":
                return f"{p.description} [SEP] < Prev", 0.0, False, {}
            if arg == "features":
                return " [SEP] ".join(p.attributes) + " [SEP] < Prev", 0.0, False, {}
            if arg == "buy now":
                reward = webshop_reward(p, self.chosen, self.goal)
                return (f"Thank you for shopping with us! [SEP] Your score: {reward:.2f}", reward,
                        True, {"won": reward >= 1.0, "bought": p.id, "chosen": dict(self.chosen)})
            for kind, values in p.options.items():
                if arg in values:
                    self.chosen[kind] = arg
                    return self._product_page(), 0.0, False, {}
        return INVALID_ACTION, 0.0, False, {"invalid": True}

    def memory_notes(self, observation: str) -> list[str]:
        """A shopper's stated preferences: "the shopper's usual size is m and color navy"."""
        m = re.search(r"I always take size (\S+) in (\w+)", observation)
        return [f"the shopper's usual size is {m.group(1)} and usual color is {m.group(2)}"] \
            if m else []

    def expert_plan(self) -> list[str]:
        """The target product's search and clicks (an oracle, for tests, baselines and
        demonstrations). It searches in the instruction's own words (the attributes and the
        product type, as a shopper would type them), falling back to the product's title
        when that search does not list it."""
        g = self.goal
        target = self.by_id[g["asin"]]
        index = _index(self.size, self.catalogue_seed)
        query = " ".join([*g["attributes"], g["ptype"]]).lower()
        found = [p.id for p in index.search(query)]
        if target.id not in found:
            query = target.title.lower()
            found = [p.id for p in index.search(query)]
        pages = found.index(target.id) // _PER_PAGE if target.id in found else 0
        return [f"search[{query}]", *["click[next >]"] * pages, f"click[{g['asin'].lower()}]",
                *[f"click[{v}]" for v in g["options"].values()], "click[buy now]"]


def _a(phrase: str) -> str:
    return ("an " if phrase[:1] in "aeiou" else "a ") + phrase

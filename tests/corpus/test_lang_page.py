"""A page's language when its visible prose is too short to tell: fenced blocks read as words, then the source."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from corpus.lang import detect_language, page_language
from corpus.page.row import PageInput, extract_page

# A README whose prose is a heading and a few words; its fenced blocks hold a command's help in English.
CLI_README = """# qtask

## Install

```bash
pipx install qtask
```

## Usage

```text
-V, --version     print the version number and exit
-h, --help        show the help for a command
add <name...>     add a task to the list
done <id>         mark the task as finished
purge             remove every finished task from the list
```
"""

# A README that pastes a chat with a bot into a fenced block (Indonesian).
TRANSCRIPT_README = """# Bot Toko

```sh
[09:12] Pelanggan:
Halo kak, apakah pesanan saya sudah dikirim hari ini?

[09:13] BotToko:
Terima kasih sudah menghubungi kami. Pesanan kakak sedang dikemas dan akan dikirim sore ini.
```
"""

# Fenced blocks of code only: no words anywhere, still `und`.
CODE_ONLY_README = """# x

```python
import os
for k, v in os.environ.items():
    print(k, v)
```
"""

# A landing page whose visible words are drawn by its script; its comments and strings are Portuguese.
SCRIPTED_HTML = """<!DOCTYPE html>
<html><head><title>Popup Premio</title>
<style>
  /* Estilos para a animação das moedas que caem na tela do jogador */
  .moeda { position: absolute; width: 40px; }
</style></head>
<body><div id="app"></div>
<script>
  // Mostra a mensagem de boas-vindas depois que a página carrega
  const texto = "Parabéns! Você ganhou um bônus de boas-vindas. Clique no botão para resgatar o seu prêmio agora mesmo.";
  document.getElementById("app").textContent = texto;
</script></body></html>"""


@pytest.mark.parametrize("text,lang", [(CLI_README, "en"), (TRANSCRIPT_README, "id")], ids=["cli-help", "transcript"])
def test_fenced_blocks_speak_when_the_prose_cannot(text, lang):
    assert detect_language(text)[0] == lang


def test_fenced_code_without_words_stays_und():
    assert detect_language(CODE_ONLY_README) == ("und", "")


def test_fenced_words_do_not_outvote_the_prose():
    # enough Chinese prose decides by itself: the English help in the block is not read
    page = "# 使用说明\n\n这个工具可以帮你整理每天的任务清单，支持添加、完成和清理。\n\n" + CLI_README.split("## Usage", 1)[1]
    assert detect_language(page) == ("zh", "Hans")


def test_page_language_reads_the_source_when_the_text_says_nothing():
    assert page_language("", "Popup Premio") == ("und", "")
    assert page_language("", "Popup Premio", SCRIPTED_HTML)[0] == "pt"
    # a page whose text decides is never read from its source
    english = "This page explains how to renew a prepaid data plan online in three short steps."
    assert page_language(english, "", SCRIPTED_HTML)[0] == "en"


def test_crawled_html_page_gets_the_language_of_its_scripted_words():
    page = PageInput(url="http://127.0.0.1:8000/popup.html", final_url="http://127.0.0.1:8000/popup.html", status=200,
                     headers={"content-type": "text/html; charset=utf-8"}, body=SCRIPTED_HTML.encode(),
                     fetched_at=datetime(2026, 1, 1, tzinfo=timezone.utc), crawl_job="t", run_id="t")
    extracted = extract_page(page)
    assert extracted.text == "" and extracted.lang == "pt"

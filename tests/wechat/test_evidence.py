"""Evidence over WeChat: video, short video, files, shared links, pasted SMS; refusals stay friendly."""
from __future__ import annotations

import hashlib
import json

from tests.fakewechat import Fault
from tests.telegram.helpers import MP4, TINY_PDF
from tests.wechat.helpers import Endpoint, Phone
from tests.wechat.test_complaint import answer_until_evidence

SMS = "【某某贷款】尊敬的客户，您有一笔 50000 元额度待领取，点击 t.cn/xxxx 领取，回复TD退订"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def at_evidence(phone: Phone) -> None:
    await answer_until_evidence(phone)
    # One effect: one tap answers.
    await phone.tap("浪费时间", "现在请发送证据")


async def test_videos_files_links_and_pasted_sms_are_kept_as_evidence(wechat: Endpoint, phone: Phone) -> None:
    await at_evidence(phone)
    await phone.media("video", MP4, "video/mp4", ThumbMediaId="thumb")
    await phone.expect("共 1 份")
    await phone.media("file", TINY_PDF, "application/pdf", Title="话费详单.pdf", FileName="话费详单.pdf")
    await phone.expect("共 2 份")
    await phone.post(phone.xml("link", {"Title": "骚扰短信截图合集", "Description": "来自 1069 0000 1234", "Url": "https://mp.weixin.qq.com/s/abc"}))
    await phone.expect("共 3 份")
    await phone.say(SMS, "共 4 份")

    rows = wechat.rows("select sha256, kind, filename, origin from evidence order by id")
    assert [r[1] for r in rows] == ["video", "pdf", "forward", "text"]
    assert rows[0][0] == sha(MP4) and rows[1][0] == sha(TINY_PDF) and rows[1][2] == "话费详单.pdf"
    assert json.loads(rows[2][3])["url"] == "https://mp.weixin.qq.com/s/abc"
    assert rows[3][0] == sha(SMS.encode())


async def test_a_location_is_refused_kindly_and_a_failed_download_asks_again(wechat: Endpoint, phone: Phone) -> None:
    await phone.text("/new")
    await phone.expect("你在哪里")
    answer = await phone.post(phone.xml("location", {"Location_X": "23.1", "Location_Y": "113.3", "Scale": "20", "Label": "某地"}))
    assert answer.passive is not None and "位置不能作为证据" in answer.passive
    wechat.api.fail("/cgi-bin/media/get", Fault(errcode=40007))
    await phone.media("image", b"\x89PNG\r\n\x1a\n" + bytes(32), "image/png")
    await phone.expect("没有接收成功")
    assert wechat.rows("select count(*) from evidence") == [(0,)]

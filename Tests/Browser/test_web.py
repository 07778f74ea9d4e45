"""End-to-end checks of the web pages in Debian's headless Chromium, against a running demo.

Run by scripts/browser-test (part of scripts/test): UADE_URL names the server, UADE_ARTEFACTS
the folder for screenshots and downloads. Each test logs in as a demo account, as a person would.
"""
import base64
import os
import re
import subprocess
import time
import unittest
import urllib.request
import zipfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ.get("UADE_URL", "http://127.0.0.1:8097")


def gone(element):
    """Like staleness_of, but Chromium sometimes reports a node of the page just left as an
    inspector error ("does not belong to the document") rather than as a stale element."""
    def check(_):
        try:
            element.is_enabled()
            return False
        except WebDriverException:
            return True
    return check
ARTEFACTS = os.environ.get("UADE_ARTEFACTS", os.path.abspath(".build/artefacts"))
SCREENS = os.path.join(ARTEFACTS, "screens")
DOWNLOADS = os.path.join(ARTEFACTS, "downloads")
PAGE_LIMIT = 300 * 1024


def browser(width=1280, height=900):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("UADE_CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={width},{height}"]:
        options.add_argument(argument)
    if width < 500:
        # Chromium's windows are never narrower than 500 px: a phone is emulated instead.
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2}})
    options.add_experimental_option("prefs", {"download.default_directory": DOWNLOADS, "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(os.environ.get("UADE_CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.set_page_load_timeout(60)
    return driver


def log_in(driver, username, password="demo-password"):
    """Signs in through the login form and waits until it has left the login page."""
    driver.get(BASE + "/login")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    WebDriverWait(driver, 20).until(lambda d: "/login" not in d.current_url)


class WebCase(unittest.TestCase):
    def setUp(self):
        os.makedirs(SCREENS, exist_ok=True)
        os.makedirs(DOWNLOADS, exist_ok=True)
        self.driver = browser()

    def tearDown(self):
        self.driver.quit()

    def open(self, path):
        self.driver.get(BASE + path)
        return self.driver

    def login(self, username, password="demo-password"):
        log_in(self.driver, username, password)

    def language(self, code):
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(By.CSS_SELECTOR, f".langs button[value={code}]").click()
        WebDriverWait(self.driver, 10).until(gone(old))
        self.assertEqual(self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang"), code)

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def submit(self, form_id):
        self.driver.find_element(By.CSS_SELECTOR, f"#{form_id} button[type=submit]").click()

    def cookies(self):
        return "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())

    def fetch(self, path):
        request = urllib.request.Request(BASE + path, headers={"Cookie": self.cookies()})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


class CoordinatorTests(WebCase):
    def first_missing_entry(self):
        d = self.open("/due?status=missing")
        links = d.find_elements(By.CSS_SELECTOR, "table.due a.button")
        self.assertTrue(links, "the coordinator has values due")
        return links[0].get_attribute("href")

    def test_enter_correct_and_upload(self):
        self.login("coord-kyzylorda")
        self.language("ru")
        self.assertIn("Незаполненные значения", self.text())
        entry = self.first_missing_entry()
        indicator, territory, period = (re.search(name + r"=([^&]+)", entry).group(1) for name in ("indicator", "territory", "period"))
        d = self.open(entry[len(BASE):])

        # A first value, typed with a decimal comma as Russian writes it.
        d.find_element(By.ID, "value").send_keys("12,5")
        d.find_element(By.ID, "comment").send_keys("по данным акимата")
        self.submit("entry-form")
        WebDriverWait(d, 20).until(lambda d: "notice=saved" in d.current_url)
        self.assertEqual(d.find_element(By.ID, "current-value").text, "12,5")

        # A correction without a reason is refused next to the field, and what was typed stays.
        d.find_element(By.ID, "value").send_keys("13")
        d.execute_script("document.getElementById('reason').removeAttribute('required')")
        self.submit("entry-form")
        WebDriverWait(d, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".form-errors"))
        self.assertTrue(d.find_elements(By.ID, "reason-error"), "the error stands next to the reason field")
        self.assertEqual(d.find_element(By.ID, "value").get_attribute("value"), "13")
        d.find_element(By.ID, "reason").send_keys("опечатка в отчёте")
        self.submit("entry-form")
        WebDriverWait(d, 20).until(lambda d: "notice=saved" in d.current_url)
        self.assertEqual(d.find_element(By.ID, "current-value").text, "13")
        history = d.find_elements(By.CSS_SELECTOR, "ol.history li")
        self.assertEqual(len(history), 2)
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, "ol.history li.superseded")), 1)
        self.assertIn("опечатка в отчёте", history[0].text)
        d.save_screenshot(os.path.join(SCREENS, "ru-1280-entry-after-correction.png"))

        # A file with one good and one bad row: the bad row is named, and nothing is written.
        path = os.path.join(ARTEFACTS, "upload-with-bad-row.csv")
        with open(path, "w", encoding="utf-8") as f:
            column = "territory_kato" if re.fullmatch(r"\d{9}", territory) else "territory_id"
            f.write(f"indicator_code;{column};period;value;correction_reason\n")
            f.write(f"{indicator};{territory};{period};99;сверка с акиматом\n")
            f.write(f"NO-SUCH-INDICATOR;{territory};{period};5;\n")
        d = self.open("/upload")
        d.find_element(By.ID, "file").send_keys(path)
        self.submit("upload-form")
        WebDriverWait(d, 30).until(lambda d: d.find_elements(By.ID, "upload-problems"))
        d.save_screenshot(os.path.join(SCREENS, "ru-1280-upload-problems.png"))
        rows = d.find_elements(By.CSS_SELECTOR, "#upload-problems tbody tr")
        self.assertEqual(len(rows), 1, [r.text for r in rows])
        cells = [c.text for c in rows[0].find_elements(By.TAG_NAME, "td")]
        self.assertEqual(cells[0], "3")
        self.assertEqual(cells[1], "indicator_code")
        self.assertIn("Ничего не записано.", self.text(), "the page says, in Russian, that nothing was written")
        d = self.open(entry[len(BASE):])
        self.assertEqual(d.find_element(By.ID, "current-value").text, "13", "the rejected file changed nothing")

    def test_explain_a_flag(self):
        self.login("coord-kyzylorda")
        self.language("ru")
        d = self.driver
        form = d.find_elements(By.CSS_SELECTOR, "#home-flags form")[0]
        field = form.find_element(By.NAME, "text")
        flag = field.get_attribute("id")
        # Blank text passes the browser's own check but not the server's: the error stands by that flag.
        d.execute_script("arguments[0].value = '   '", field)
        form.find_element(By.TAG_NAME, "button").click()
        WebDriverWait(d, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#home-flags p.error"))
        self.assertEqual(d.find_element(By.ID, flag).get_attribute("aria-invalid"), "true")
        d.find_element(By.ID, flag).send_keys("ремонт школы перенесён на 2027 год решением маслихата")
        d.find_element(By.ID, flag).find_element(By.XPATH, "./ancestor::form").find_element(By.TAG_NAME, "button").click()
        WebDriverWait(d, 20).until(lambda d: "notice=saved" in d.current_url)

    def test_another_territory_is_forbidden(self):
        self.login("coord-akzhar")
        self.language("ru")
        d = self.open("/due")
        # Akzhar's coordinator opens an entry form of the Kyzylorda region itself.
        link = d.find_elements(By.CSS_SELECTOR, "table.due a.button")[0].get_attribute("href")
        other = re.sub(r"territory=[^&]+", "territory=430000000", link)
        self.open(other[len(BASE):])
        self.assertIn("403", d.title)
        self.assertIn("нет доступа", self.text())
        status, _ = self.fetch(other[len(BASE):])
        self.assertEqual(status, 403)


class EvaluationHeatmapTests(WebCase):
    def test_evaluation_then_heatmap(self):
        self.login("admin")
        self.language("ru")
        d = self.open("/admin/evaluations")
        before = [int(r.find_elements(By.TAG_NAME, "td")[0].text) for r in d.find_elements(By.CSS_SELECTOR, "#runs tbody tr")]
        self.submit("evaluation-form")
        WebDriverWait(d, 20).until(lambda d: "started=" in d.current_url)
        run = int(re.search(r"started=(\d+)", d.current_url).group(1))
        self.assertNotIn(run, before)
        deadline = time.time() + 600
        while time.time() < deadline:
            d = self.open("/admin/evaluations")
            row = [r for r in d.find_elements(By.CSS_SELECTOR, "#runs tbody tr") if r.find_elements(By.TAG_NAME, "td")[0].text == str(run)]
            # The status is shown in the page's language; the row carries its code too.
            status = row[0].get_attribute("data-status") if row else None
            if status == "completed":
                self.assertIn("Завершена", row[0].text, "the status is shown in Russian")
                self.assertIn("Не достигнуто:", row[0].text, "the counts are in Russian words")
                break
            self.assertNotEqual(status, "failed", "the evaluation failed")
            time.sleep(3)
        else:
            self.fail("the evaluation did not complete in ten minutes")

        self.driver.delete_all_cookies()
        self.login("bureau-social")
        self.language("ru")
        d = self.open("/heatmap")
        self.assertIn(f"#{run}", self.text(), "the heatmap shows the new run")
        cells = d.find_elements(By.CSS_SELECTOR, "#heatmap td[class^=s-]")
        self.assertTrue(cells, "the heatmap has judged cells")
        # Status is never colour alone: each cell carries a sign and a hidden word.
        self.assertRegex(cells[0].text, r"[✔→!✖?·] \d+/\d+")
        self.assertTrue(d.find_elements(By.CSS_SELECTOR, ".legend .badge"))
        cells[0].find_element(By.TAG_NAME, "a").click()
        WebDriverWait(d, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#heatmap, #periods"))
        d.find_elements(By.CSS_SELECTOR, "#heatmap td[class^=s-] a")[0].click()
        WebDriverWait(d, 20).until(lambda d: d.find_elements(By.ID, "periods"))
        self.assertTrue(d.find_elements(By.CSS_SELECTOR, "svg.chart polyline"), "the trajectory chart is drawn")
        self.assertTrue(d.find_element(By.ID, "headline").text)


class HeatmapReadingTests(unittest.TestCase):
    """A Bureau member reads the heatmap in Kazakh and Russian, at 1280 px and on a phone."""

    def test_bureau_member_reads_the_heatmap(self):
        os.makedirs(SCREENS, exist_ok=True)
        for width, height in [(1280, 900), (390, 844)]:
            d = browser(width, height)
            try:
                log_in(d, "bureau-social")
                for lang in ["kk", "ru"]:
                    d.get(BASE + "/heatmap?lang=" + lang)
                    heads = d.find_elements(By.CSS_SELECTOR, "#heatmap thead th.colhead")
                    self.assertTrue(heads)
                    for head in heads:
                        # A section's name heads its column; its code is the tooltip.
                        self.assertNotEqual(head.text.strip(), head.get_attribute("title"))
                        self.assertRegex(head.text, r"[а-яәіңғүұқөһА-ЯӘІҢҒҮҰҚӨҺ]", "a name in the page's language")
                        self.assertNotRegex(head.text, r"\w\n\w{1,2}(\n|$)", "a heading broken inside a word")
                    self.assertTrue(d.find_element(By.ID, "shade-rule").is_displayed(), "the colour rule is stated")
                    for cell in d.find_elements(By.CSS_SELECTOR, "#heatmap td[class^=s-]"):
                        troubled, total = map(int, re.search(r"(\d+)/(\d+)", cell.text).groups())
                        if troubled * 2 >= total:
                            self.assertNotIn(cell.get_attribute("class"), ["s-on_track", "s-achieved"], cell.text)
                    frame = d.find_element(By.CSS_SELECTOR, ".heatmap-wrap")
                    wide = d.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth", frame)
                    hint = d.find_element(By.CSS_SELECTOR, ".scroll-hint")
                    if width < 500:
                        # On a phone the table scrolls in its own frame, and the page says so.
                        self.assertTrue(wide and hint.is_displayed(), "the heatmap hints that it scrolls")
                    self.assertLessEqual(
                        d.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth"), 4)
                    d.save_screenshot(os.path.join(SCREENS, f"{lang}-{width}-heatmap-bureau.png"))
            finally:
                d.quit()


class PhoneTests(unittest.TestCase):
    """A coordinator's home page on a 390 px phone: the menu and the explanation form in sight."""

    def test_coordinator_home_on_a_phone(self):
        os.makedirs(SCREENS, exist_ok=True)
        d = browser(390, 844)
        try:
            log_in(d, "coord-kyzylorda")
            d.get(BASE + "/?lang=ru")
            width = d.execute_script("return document.documentElement.clientWidth")
            def inside(element, what):
                box = d.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.left, r.right];", element)
                self.assertTrue(box[0] >= 0 and box[1] <= width + 1, f"{what} is off screen: {box} of {width}")
            for link in d.find_elements(By.CSS_SELECTOR, "nav.main-nav a"):
                inside(link, "menu entry " + link.text)
            form = d.find_elements(By.CSS_SELECTOR, "#home-flags form.explain-form")[0]
            inside(form.find_element(By.TAG_NAME, "textarea"), "the explanation field")
            inside(form.find_element(By.TAG_NAME, "button"), "the explanation button")
            d.save_screenshot(os.path.join(SCREENS, "ru-390-home-flags.png"))
        finally:
            d.quit()


class AdministratorTests(WebCase):
    def test_assign_an_indicator_by_territory_name(self):
        self.login("admin")
        self.language("ru")
        d = self.open("/admin/ownership")
        # A name the picker offers, typed as a person would; an unknown one is said in Russian.
        options = [o.get_attribute("value") for o in d.find_elements(By.CSS_SELECTOR, "#territory-names option")]
        self.assertIn("Аральский район", options)
        for typed, expected in [("Атлантида", None), ("Аральский район", "notice=assigned")]:
            d = self.open("/admin/ownership")
            d.find_element(By.ID, "i-indicator").send_keys("HOU-01")
            d.find_element(By.ID, "i-territory").send_keys(typed)
            self.submit("assign-indicator")
            if expected:
                WebDriverWait(d, 20).until(lambda d: expected in d.current_url)
            else:
                WebDriverWait(d, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#assign-indicator p.error"))
                self.assertIn("территории «Атлантида» нет", d.find_element(By.ID, "assign-indicator").text)
                self.assertEqual(d.find_element(By.ID, "i-territory").get_attribute("value"), "Атлантида", "the text is kept")
        d.save_screenshot(os.path.join(SCREENS, "ru-1280-ownership-assigned.png"))


class FactionTests(WebCase):
    def test_create_hearing_and_download_docx(self):
        self.login("faction-mazhilis")
        self.language("ru")
        d = self.open("/hearings/new")
        d.find_element(By.ID, "title").send_keys("Заслушивание Правительства: социальный блок")
        Select(d.find_element(By.ID, "faction")).select_by_value("mazhilis")
        d.find_element(By.CSS_SELECTOR, "input[name=sections][value=socially_sensitive]").click()
        # A line without an office is refused next to the officials field; the title stays.
        d.find_element(By.ID, "officials").send_keys("Только имя")
        self.submit("hearing-form")
        WebDriverWait(d, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".form-errors"))
        self.assertIn("Заслушивание Правительства", d.find_element(By.ID, "title").get_attribute("value"))
        officials = d.find_element(By.ID, "officials")
        officials.clear()
        officials.send_keys("Премьер-Министр; Премьер-Министр Республики Казахстан")
        self.submit("hearing-form")
        WebDriverWait(d, 30).until(lambda d: re.search(r"/hearings/\d+\?notice=saved", d.current_url))
        self.assertIn("Заслушивание Правительства", self.text())
        self.assertTrue(d.find_elements(By.CSS_SELECTOR, "iframe.preview"))
        d.save_screenshot(os.path.join(SCREENS, "ru-1280-hearing-created.png"))
        created = d.current_url[len(BASE):]

        # A resolution of the held July hearing due before the hearing is refused by its field, text kept.
        d = self.open("/hearings/1")
        d.find_element(By.ID, "r-text").send_keys("Представить график ввода жилья")
        d.find_element(By.ID, "r-executor").send_keys("Аким области")
        d.execute_script("document.getElementById('r-deadline').value = '2020-01-01'")
        self.submit("resolution-form")
        WebDriverWait(d, 20).until(lambda d: d.find_elements(By.ID, "deadline-error"))
        self.assertEqual(d.find_element(By.ID, "r-text").get_attribute("value"), "Представить график ввода жилья")
        d.execute_script("document.getElementById('r-deadline').value = '2027-03-01'")
        self.submit("resolution-form")
        WebDriverWait(d, 20).until(lambda d: "notice=saved" in d.current_url)
        self.assertIn("Представить график ввода жилья", d.find_element(By.ID, "resolutions").text)
        d = self.open(created)

        for name in os.listdir(DOWNLOADS):
            if name.endswith(".docx"):
                os.remove(os.path.join(DOWNLOADS, name))
        d.find_element(By.ID, "download-docx").click()
        deadline = time.time() + 60
        docx = None
        while time.time() < deadline and docx is None:
            names = [n for n in os.listdir(DOWNLOADS) if n.endswith(".docx")]
            docx = os.path.join(DOWNLOADS, names[0]) if names else None
            time.sleep(0.5)
        self.assertIsNotNone(docx, "the DOCX was downloaded")
        with zipfile.ZipFile(docx) as archive:
            self.assertIn("Заслушивание Правительства", archive.read("word/document.xml").decode("utf-8"))
        soffice = subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", DOWNLOADS, docx],
                                 capture_output=True, timeout=180)
        self.assertEqual(soffice.returncode, 0, soffice.stderr)
        self.assertTrue(os.path.exists(docx[:-5] + ".pdf"), "LibreOffice opened the DOCX")


class HearingReportReadingTests(unittest.TestCase):
    """Faction staff read the HTML hearing report at 1280 px and on a 390 px phone: no cell
    overflows, no heading is broken inside a word, no column is too narrow for its letters."""

    CHECK = r"""
        const cells = [...document.querySelectorAll('th, td')];
        const overflowing = cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.slice(0, 40));
        const narrow = cells.filter(c => c.textContent.trim().length > 3 && c.clientWidth < 28).map(c => c.textContent.slice(0, 40));
        // A heading broken inside a word: one of its words is wider than the room it has.
        const ctx = document.createElement('canvas').getContext('2d');
        const broken = [...document.querySelectorAll('th')].filter(th => {
            const cs = getComputedStyle(th);
            ctx.font = cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily;
            const room = th.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
            return th.textContent.trim().split(/\s+/).some(w => ctx.measureText(w).width > room + 1);
        }).map(th => th.textContent);
        return {overflowing, narrow, broken, page: document.documentElement.scrollWidth - document.documentElement.clientWidth};
    """

    def test_report_reads_at_both_widths(self):
        os.makedirs(SCREENS, exist_ok=True)
        for width, height in [(1280, 900), (390, 844)]:
            d = browser(width, height)
            try:
                log_in(d, "faction-mazhilis")
                for lang in ["ru", "kk"]:
                    d.get(BASE + "/hearings/2?lang=" + lang)
                    src = d.find_element(By.CSS_SELECTOR, "iframe.preview").get_attribute("src")
                    d.get(src)
                    WebDriverWait(d, 60).until(lambda d: d.find_elements(By.ID, "brief"))
                    found = d.execute_script(self.CHECK)
                    self.assertEqual(found["overflowing"], [], f"{lang} {width}: cells overflow")
                    self.assertEqual(found["narrow"], [], f"{lang} {width}: columns too narrow for their letters")
                    self.assertEqual(found["broken"], [], f"{lang} {width}: headings broken inside words")
                    self.assertLessEqual(found["page"], 4, f"{lang} {width}: the page is wider than the screen")
                    # The first part is the hearing, with what is asked of whom.
                    brief = d.find_element(By.ID, "brief").text
                    self.assertTrue(brief.startswith("1."), brief[:40])
                    d.save_screenshot(os.path.join(SCREENS, f"{lang}-{width}-hearing-report.png"))
            finally:
                d.quit()

    # Tables of a part, as laid out for paper: wider than the page's text they would be cut off.
    PRINT_CHECK = r"""
        const wide = arguments[0];
        document.documentElement.style.overflow = 'hidden';  // paper has no scroll bar
        const room = document.body.clientWidth;
        const parts = [...document.querySelectorAll(wide ? 'section.wide' : 'body > header, section.part:not(.wide)')];
        const cut = parts.flatMap(p => [...p.querySelectorAll('table')])
            .filter(t => t.getBoundingClientRect().right > room + 1)
            .map(t => (t.querySelector('th') || t).textContent.slice(0, 40));
        const cells = parts.flatMap(p => [...p.querySelectorAll('th, td')]);
        return {cut, overflowing: cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.slice(0, 40))};
    """

    def test_report_prints_on_a4(self):
        """Printed, every page is A4, the cover and part 1 are the first two pages, and no table is
        wider than the paper it is printed on (portrait parts at 182 mm, landscape ones at 273 mm)."""
        d = browser(1280, 900)
        try:
            log_in(d, "faction-mazhilis")
            d.get(BASE + "/hearings/2?lang=ru")
            d.get(d.find_element(By.CSS_SELECTOR, "iframe.preview").get_attribute("src"))
            WebDriverWait(d, 60).until(lambda d: d.find_elements(By.ID, "brief"))
            d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
            # The text width of a page at 96 px per inch: A4 less the stylesheet's margins.
            for wide, width in [(False, 688), (True, 1032)]:
                d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": 1100, "deviceScaleFactor": 1, "mobile": False})
                found = d.execute_script(self.PRINT_CHECK, wide)
                self.assertEqual(found["cut"], [], f"tables wider than the paper ({width} px)")
                self.assertEqual(found["overflowing"], [], f"cells overflow on paper ({width} px)")
            d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            pdf = d.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})["data"]
            path = os.path.join(DOWNLOADS, "hearing-2-ru.pdf")
            with open(path, "wb") as f:
                f.write(base64.b64decode(pdf))
            info = subprocess.run(["pdfinfo", "-f", "1", "-l", "1000", path], capture_output=True, text=True, timeout=60).stdout
            sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
            self.assertTrue(sizes, info)
            for w, h in sizes:
                self.assertEqual(sorted([round(float(w)), round(float(h))]), [595, 842], f"a page is not A4: {w} x {h}")

            def page(n):
                return subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", path, "-"],
                                      capture_output=True, text=True, timeout=60).stdout.strip()
            self.assertTrue(re.search(r"^1\. ", page(1), re.M), "part 1 starts under the cover: " + page(1)[:200])
            self.assertTrue(page(3).startswith("2."), "the cover and part 1 fit on the first two pages: " + page(3)[:80])
        finally:
            d.quit()


# Column names of the files people fill in, which pages name on purpose.
CSV_COLUMNS = {"indicator_code", "territory_kato", "territory_id", "correction_reason", "indicator_name", "territory_name",
               "current_value", "unit_code"}

# Each main page, for the account that uses it.
PAGES = [
    ("coord-kyzylorda", "home", "/"),
    ("coord-kyzylorda", "due", "/due?status=missing"),
    ("coord-kyzylorda", "upload", "/upload"),
    ("coord-kyzylorda", "flags", "/flags"),
    ("coord-kyzylorda", "exceptions", "/exceptions"),
    ("bureau-social", "heatmap", "/heatmap"),
    ("pc-kyzylorda", "mine", "/mine"),
    ("faction-mazhilis", "hearings", "/hearings"),
    ("faction-mazhilis", "hearing", "/hearings/2"),
    ("faction-mazhilis", "hearing-form", "/hearings/new"),
    ("admin", "accounts", "/admin/accounts"),
    ("admin", "ownership", "/admin/ownership"),
    ("admin", "evaluations", "/admin/evaluations"),
    ("admin", "evaluation-diff", "/admin/evaluations/diff"),
    ("admin", "timeliness", "/admin/timeliness"),
    ("admin", "heatmap-republic", "/heatmap"),
    (None, "public", "/progress"),
    (None, "login", "/login"),
]


class ScreenshotTests(unittest.TestCase):
    """Every main page in Kazakh and Russian, at desktop width and at 390 px, and its weight."""

    maxDiff = None

    def test_pages(self):
        os.makedirs(SCREENS, exist_ok=True)
        failures = []
        for width, height in [(1280, 900), (390, 844)]:
            driver = browser(width, height)
            try:
                current = object()
                for user, name, path in PAGES:
                    if user != current:
                        driver.delete_all_cookies()
                        if user:
                            log_in(driver, user)
                        current = user
                    for lang in ["kk", "ru"]:
                        driver.get(BASE + path + ("&" if "?" in path else "?") + "lang=" + lang)
                        self.assertEqual(driver.find_element(By.TAG_NAME, "html").get_attribute("lang"), lang)
                        if "403" in driver.title or "404" in driver.title or "500" in driver.title:
                            failures.append(f"{name} ({lang}) answered {driver.title}")
                        # No code stands in for a word on a kk or ru page: no snake_case status,
                        # unit or kind, and none of the API's English (file columns aside).
                        visible = driver.find_element(By.TAG_NAME, "body").text
                        codes = set(re.findall(r"\b[a-z]{2,}(?:_[a-z0-9]+)+\b", visible)) - CSV_COLUMNS
                        english = re.findall(r"\b(?:is required|problem\(s\)|writes are for|not found|must be)\b", visible)
                        if codes or english:
                            failures.append(f"{name} ({lang}) shows codes or English: {sorted(codes)[:8]} {english[:3]}")
                        # Nothing wider than the screen but the tables, which scroll in their own frame.
                        overflow = driver.execute_script(
                            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
                        if overflow > 4:
                            failures.append(f"{name} ({lang}, {width} px) is {overflow} px wider than the screen")
                        weight = driver.execute_script(
                            "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
                            ".reduce((s, e) => s + (e.transferSize || e.encodedBodySize || 0), 0)")
                        html = len(driver.page_source.encode("utf-8"))
                        if max(weight, html) > PAGE_LIMIT:
                            failures.append(f"{name} ({lang}) weighs {max(weight, html)} bytes")
                        driver.save_screenshot(os.path.join(SCREENS, f"{lang}-{width}-{name}.png"))
            finally:
                driver.quit()
        self.assertEqual(failures, [])


if __name__ == "__main__":
    unittest.main(verbosity=2)

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="da" sourcelanguage="en">
<context>
    <name>BidCard</name>
    <message>
        <location filename="../../ui/review.py" line="75" />
        <source>Skills</source>
        <translation>Kompetencer</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="82" />
        <source>Message to the bidder (optional)</source>
        <translation>Besked til byderen (valgfri)</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="83" />
        <source>&amp;Accept</source>
        <translation>&amp;Accepter</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="84" />
        <source>&amp;Decline</source>
        <translation>Af&amp;vis</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="95" />
        <source>Endorse the skills the work showed</source>
        <translation>Anerkend de kompetencer, arbejdet viste</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="100" />
        <source>&amp;Endorse</source>
        <translation>A&amp;nerkend</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="140" />
        <source>Bid from %1</source>
        <translation>Bud fra %1</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="143" />
        <source>Status: %1</source>
        <translation>Status: %1</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="145" />
        <source>Your message: “%1”</source>
        <translation>Din besked: »%1«</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="147" />
        <source>No message.</source>
        <translation>Ingen besked.</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="150" />
        <source>Offers %1</source>
        <translation>Tilbyder %1</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="152" />
        <source>Available: %1</source>
        <translation>Kan: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/review.py" line="156" />
        <source>%n finished task(s)</source>
        <translation>
            <numerusform>%n afsluttet opgave</numerusform>
            <numerusform>%n afsluttede opgaver</numerusform>
            </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/review.py" line="158" />
        <source>%n endorsement(s)</source>
        <translation>
            <numerusform>%n anerkendelse</numerusform>
            <numerusform>%n anerkendelser</numerusform>
            </translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="166" />
        <source>All seats are filled.</source>
        <translation>Alle pladser er besat.</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="174" />
        <source>No skills on the profile yet.</source>
        <translation>Ingen kompetencer på profilen endnu.</translation>
    </message>
</context>
<context>
    <name>MyPage</name>
    <message>
        <location filename="../../ui/my_page.py" line="62" />
        <location filename="../../ui/my_page.py" line="68" />
        <source>My skills</source>
        <translation>Mine kompetencer</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="64" />
        <source>Re&amp;move skill</source>
        <translation>Fjern ko&amp;mpetence</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="75" />
        <source>Add a skill:</source>
        <translation>Tilføj en kompetence:</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="89" />
        <location filename="../../ui/my_page.py" line="102" />
        <source>Task</source>
        <translation>Opgave</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="90" />
        <source>Site</source>
        <translation>Arbejdssted</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="91" />
        <source>My bid</source>
        <translation>Mit bud</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="92" />
        <source>Task status</source>
        <translation>Opgavens status</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="94" />
        <source>Placed</source>
        <translation>Afgivet</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="103" />
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="104" />
        <source>Bids</source>
        <translation>Bud</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="106" />
        <source>Seats filled</source>
        <translation>Besatte pladser</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="110" />
        <source>Posted</source>
        <translation>Oprettet</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="116" />
        <source>My bids</source>
        <translation>Mine bud</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="121" />
        <source>My tasks</source>
        <translation>Mine opgaver</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="171" />
        <source>Available: %1</source>
        <translation>Kan: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/my_page.py" line="175" />
        <source>%n finished task(s)</source>
        <translation>
            <numerusform>%n afsluttet opgave</numerusform>
            <numerusform>%n afsluttede opgaver</numerusform>
            </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/my_page.py" line="177" />
        <source>%n endorsement(s)</source>
        <translation>
            <numerusform>%n anerkendelse</numerusform>
            <numerusform>%n anerkendelser</numerusform>
            </translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="193" />
        <source>My &amp;bids (%1)</source>
        <translation>Mine &amp;bud (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/my_page.py" line="194" />
        <source>My &amp;tasks (%1)</source>
        <translation>Mine &amp;opgaver (%1)</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <location filename="../../ui/review.py" line="260" />
        <source>&amp;Mark task as done</source>
        <translation>&amp;Marker opgaven som afsluttet</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="267" />
        <source>Message to those not chosen (optional)</source>
        <translation>Besked til dem, der ikke blev valgt (valgfri)</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="268" />
        <source>Message to those not chosen</source>
        <translation>Besked til dem, der ikke blev valgt</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="269" />
        <source>Decline the &amp;rest</source>
        <translation>Afvis &amp;resten</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="281" />
        <source>✔ confirmed by a finished task   ○ self-declared   bold: a skill this task asks for</source>
        <translation>✔ bekræftet af en afsluttet opgave   ○ selvangivet   fed: en kompetence, opgaven efterspørger</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="294" />
        <source>Bids</source>
        <translation>Bud</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="321" />
        <source>This review is not available: the task is gone, or you are not one of the people who manage it.</source>
        <translation>Buddene kan ikke vises: Opgaven findes ikke længere, eller du er ikke blandt dem, der står for den.</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="333" />
        <source>%1 of %2 seats filled</source>
        <translation>%1 af %2 pladser besat</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="339" />
        <source>Skills wanted: %1</source>
        <translation>Ønskede kompetencer: %1</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="348" />
        <source>Accept at least one bid first.</source>
        <translation>Accepter mindst ét bud først.</translation>
    </message>
    <message>
        <location filename="../../ui/review.py" line="352" />
        <source>No bids on this task yet.</source>
        <translation>Der er ingen bud på opgaven endnu.</translation>
    </message>
</context>
<context>
    <name>SkillListModel</name>
    <message>
        <location filename="../../ui/skill_picker.py" line="234" />
        <source>Skill</source>
        <translation>Kompetence</translation>
    </message>
    <message>
        <location filename="../../ui/skill_picker.py" line="236" />
        <source>Evidence</source>
        <translation>Belæg</translation>
    </message>
</context>
<context>
    <name>SkillPicker</name>
    <message>
        <location filename="../../ui/skill_picker.py" line="123" />
        <source>Search the catalogue or write a free tag</source>
        <translation>Søg i kataloget, eller skriv dit eget mærke</translation>
    </message>
    <message>
        <location filename="../../ui/skill_picker.py" line="124" />
        <source>Search skills</source>
        <translation>Søg efter kompetencer</translation>
    </message>
    <message>
        <location filename="../../ui/skill_picker.py" line="130" />
        <source>Skills in the catalogue</source>
        <translation>Kompetencer i kataloget</translation>
    </message>
    <message>
        <location filename="../../ui/skill_picker.py" line="135" />
        <source>Add ski&amp;ll</source>
        <translation>Tilfø&amp;j kompetence</translation>
    </message>
    <message>
        <location filename="../../ui/skill_picker.py" line="136" />
        <source>Add as &amp;free tag</source>
        <translation>Tilføj som e&amp;get mærke</translation>
    </message>
    <message>
        <location filename="../../ui/skill_picker.py" line="206" />
        <source>Free tag: %1</source>
        <translation>Eget mærke: %1</translation>
    </message>
    <message>
        <location filename="../../ui/skill_picker.py" line="208" />
        <source>Already chosen.</source>
        <translation>Allerede valgt.</translation>
    </message>
</context>
<context>
    <name>TaskForm</name>
    <message>
        <location filename="../../ui/task_form.py" line="143" />
        <source>New task</source>
        <translation>Ny opgave</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="146" />
        <source>Dis&amp;card draft</source>
        <translation>Kassér kla&amp;dden</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="157" />
        <source>Site</source>
        <translation>Arbejdssted</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="160" />
        <source>What needs doing, in a few words</source>
        <translation>Hvad skal der gøres? Med få ord</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="164" />
        <source>What the task is, who it is for, and what a helper should bring</source>
        <translation>Hvad går opgaven ud på, hvem er den for, og hvad skal en hjælper have med?</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="172" />
        <source>Skills wanted</source>
        <translation>Ønskede kompetencer</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="175" />
        <source>Re&amp;move skill</source>
        <translation>Fjern ko&amp;mpetence</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="186" />
        <source> h</source>
        <translation> t.</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="189" />
        <source>No start date</source>
        <translation>Ingen startdato</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="190" />
        <source>No end date</source>
        <translation>Ingen slutdato</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="191" />
        <source>No deadline</source>
        <translation>Ingen frist</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="194" />
        <source>E.g. the school kitchen, Skolevej 12</source>
        <translation>F.eks. skolekøkkenet, Skolevej 12</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="198" />
        <source>&amp;Title:</source>
        <translation>&amp;Titel:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="199" />
        <source>&amp;Description:</source>
        <translation>&amp;Beskrivelse:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="204" />
        <source>Chosen:</source>
        <translation>Valgt:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="210" />
        <source>S&amp;kills wanted:</source>
        <translation>Ø&amp;nskede kompetencer:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="211" />
        <source>S&amp;ite:</source>
        <translation>A&amp;rbejdssted:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="212" />
        <source>A&amp;udience:</source>
        <translation>Målgr&amp;uppe:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="213" />
        <source>&amp;Seats:</source>
        <translation>&amp;Pladser:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="214" />
        <source>&amp;Effort:</source>
        <translation>T&amp;idsforbrug:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="217" />
        <source>St&amp;art date:</source>
        <translation>St&amp;artdato:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="219" />
        <source>Clear the start date</source>
        <translation>Ryd startdatoen</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="223" />
        <source>E&amp;nd date:</source>
        <translation>S&amp;lutdato:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="225" />
        <source>Clear the end date</source>
        <translation>Ryd slutdatoen</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="229" />
        <source>&amp;Bid deadline:</source>
        <translation>Bud&amp;frist:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="231" />
        <source>Clear the bid deadline</source>
        <translation>Ryd budfristen</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="233" />
        <source>&amp;Place:</source>
        <translation>&amp;Sted:</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="234" />
        <source>Seats</source>
        <translation>Pladser</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="235" />
        <source>Effort in hours</source>
        <translation>Tidsforbrug i timer</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="236" />
        <source>Start date</source>
        <translation>Startdato</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="237" />
        <source>End date</source>
        <translation>Slutdato</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="238" />
        <source>Bid deadline</source>
        <translation>Budfrist</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="251" />
        <source>Save as d&amp;raft</source>
        <translation>Gem som &amp;kladde</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="252" />
        <source>Keep the form on this computer (Ctrl+S)</source>
        <translation>Gem formularen på denne computer (Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="253" />
        <source>Publis&amp;h</source>
        <translation>&amp;Offentliggør</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="256" />
        <source>Publish (Ctrl+Return)</source>
        <translation>Offentliggør (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="400" />
        <source>Edit: %1</source>
        <translation>Rediger: %1</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="404" />
        <source>This task cannot be edited</source>
        <translation>Opgaven kan ikke redigeres</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="406" />
        <source>The task is gone, or you are not one of the people who manage it.</source>
        <translation>Opgaven findes ikke længere, eller du er ikke blandt dem, der står for den.</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="419" />
        <source>Save c&amp;hanges</source>
        <translation>Gem &amp;ændringer</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="420" />
        <source>Save changes (Ctrl+Return)</source>
        <translation>Gem ændringer (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="428" />
        <source>The audience can only be changed while the task is a draft.</source>
        <translation>Målgruppen kan kun ændres, mens opgaven er en kladde.</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="433" />
        <source>Your draft from %1 is restored.</source>
        <translation>Din kladde fra %1 er hentet frem igen.</translation>
    </message>
    <message>
        <location filename="../../ui/task_form.py" line="579" />
        <source>Draft saved on this computer at %1.</source>
        <translation>Kladden er gemt på denne computer kl. %1.</translation>
    </message>
</context>
<context>
    <name>TaskView</name>
    <message>
        <location filename="../../ui/task_view.py" line="90" />
        <source>This task is not available. It may have been removed, or you no longer have access to it.</source>
        <translation>Opgaven kan ikke vises. Den er måske slettet, eller du har ikke længere adgang til den.</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="97" />
        <source>&amp;Edit task</source>
        <translation>&amp;Rediger opgaven</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="98" />
        <source>&amp;Review bids</source>
        <translation>&amp;Gennemgå buddene</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="118" />
        <source>Skills wanted:</source>
        <translation>Ønskede kompetencer:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="119" />
        <source>Seats:</source>
        <translation>Pladser:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="120" />
        <source>Effort:</source>
        <translation>Tidsforbrug:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="121" />
        <source>When:</source>
        <translation>Hvornår:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="122" />
        <source>Bid deadline:</source>
        <translation>Budfrist:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="123" />
        <source>Place:</source>
        <translation>Sted:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="124" />
        <source>Posted by:</source>
        <translation>Oprettet af:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="125" />
        <source>Site:</source>
        <translation>Arbejdssted:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="180" />
        <source>Bids</source>
        <translation>Bud</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="185" />
        <source>Bidder</source>
        <translation>Byder</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="186" />
        <source>Site</source>
        <translation>Arbejdssted</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="187" />
        <source>Hours</source>
        <translation>Timer</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="188" />
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="194" />
        <source>Bids on this task</source>
        <translation>Bud på denne opgave</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="203" />
        <source>Your bid</source>
        <translation>Dit bud</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="207" />
        <source>Message to the task owner</source>
        <translation>Besked til opgavens ejer</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="209" />
        <source>Why you? What have you done like this before?</source>
        <translation>Hvorfor dig? Hvad har du lavet af den slags før?</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="217" />
        <location filename="../../ui/task_view.py" line="336" />
        <source>Not stated</source>
        <translation>Ikke angivet</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="218" />
        <source>Hours offered</source>
        <translation>Timer, du tilbyder</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="224" />
        <source>Availability</source>
        <translation>Hvornår du kan</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="225" />
        <source>E.g. Tuesdays after 14</source>
        <translation>F.eks. tirsdage efter kl. 14</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="226" />
        <source>&amp;Place bid</source>
        <translation>&amp;Afgiv bud</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="227" />
        <source>Place bid (Ctrl+Return)</source>
        <translation>Afgiv bud (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="228" />
        <source>&amp;Save changes to bid</source>
        <translation>Gem æ&amp;ndringer i buddet</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="231" />
        <source>&amp;Withdraw bid</source>
        <translation>Træk b&amp;uddet tilbage</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="239" />
        <source>&amp;Message:</source>
        <translation>&amp;Besked:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="240" />
        <source>&amp;Hours offered:</source>
        <translation>&amp;Timer, du tilbyder:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="241" />
        <source>&amp;Availability:</source>
        <translation>&amp;Hvornår kan du:</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="264" />
        <source>Conversation</source>
        <translation>Samtale</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="267" />
        <source>Comments on this task</source>
        <translation>Kommentarer til opgaven</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="268" />
        <source>No comments yet. Ask a question here.</source>
        <translation>Ingen kommentarer endnu. Stil et spørgsmål her.</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="270" />
        <source>New comment</source>
        <translation>Ny kommentar</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="271" />
        <source>Write a comment (Ctrl+Return sends)</source>
        <translation>Skriv en kommentar (Ctrl+Enter sender)</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="274" />
        <source>Sen&amp;d comment</source>
        <translation>&amp;Send kommentar</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="275" />
        <source>Send comment (Ctrl+Return)</source>
        <translation>Send kommentar (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="323" />
        <source>No description.</source>
        <translation>Ingen beskrivelse.</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="326" />
        <source>None in particular</source>
        <translation>Ingen bestemte</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="329" />
        <source>%1 in all, %2 filled</source>
        <translation>%1 i alt, %2 besat</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="335" />
        <source>None</source>
        <translation>Ingen</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="352" />
        <source>You</source>
        <translation>Dig</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/task_view.py" line="359" />
        <source>%n bid(s) so far</source>
        <translation>
            <numerusform>%n bud indtil videre</numerusform>
            <numerusform>%n bud indtil videre</numerusform>
            </translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="359" />
        <source>No bids yet.</source>
        <translation>Ingen bud endnu.</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="409" />
        <source>This task is not taking bids now.</source>
        <translation>Opgaven tager ikke imod bud lige nu.</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="411" />
        <source>The deadline for bids has passed.</source>
        <translation>Fristen for bud er overskredet.</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="412" />
        <source>You have not bid on this task yet.</source>
        <translation>Du har ikke budt på opgaven endnu.</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="413" />
        <source>Your bid: %1.</source>
        <translation>Dit bud: %1.</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="415" />
        <source>Message from the manager: “%1”</source>
        <translation>Besked fra lederen: »%1«</translation>
    </message>
    <message>
        <location filename="../../ui/task_view.py" line="419" />
        <source>You can bid again.</source>
        <translation>Du kan byde igen.</translation>
    </message>
</context>
<context>
    <name>Wording</name>
    <message>
        <location filename="../../ui/wording.py" line="20" />
        <source>Draft</source>
        <translation>Kladde</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="21" />
        <source>Open for bids</source>
        <translation>Åben for bud</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="22" />
        <source>All seats filled</source>
        <translation>Alle pladser besat</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="23" />
        <source>Done</source>
        <translation>Afsluttet</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="24" />
        <source>Cancelled</source>
        <translation>Aflyst</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="31" />
        <source>Awaiting decision</source>
        <translation>Afventer svar</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="32" />
        <source>Accepted</source>
        <translation>Accepteret</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="33" />
        <source>Declined</source>
        <translation>Afvist</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="34" />
        <source>Withdrawn</source>
        <translation>Trukket tilbage</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="41" />
        <source>Own site only</source>
        <translation>Kun eget arbejdssted</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="42" />
        <source>The whole organisation</source>
        <translation>Hele organisationen</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="43" />
        <source>Also volunteers and externals</source>
        <translation>Også frivillige og eksterne</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="51" />
        <source>Self-declared</source>
        <translation>Selvangivet</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="54" />
        <source>Confirmed by %1 after “%2”</source>
        <translation>Bekræftet af %1 efter »%2«</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="58" />
        <source>Confirmed by %1</source>
        <translation>Bekræftet af %1</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="75" />
        <source>d MMMM yyyy</source>
        <translation>d. MMMM yyyy</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="90" />
        <source>d MMM yyyy</source>
        <translation>d. MMM yyyy</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="105" />
        <source>No date set</source>
        <translation>Ingen dato</translation>
    </message>
    <message>
        <location filename="../../ui/wording.py" line="112" />
        <source>%1 h</source>
        <translation>%1 t.</translation>
    </message>
</context>
</TS>